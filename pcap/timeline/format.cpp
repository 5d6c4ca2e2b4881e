#include "pcap/timeline/format.h"

#include <charconv>

#include "pcap/dissect/hex_text.h"
#include "proto/ike/constants.h"

namespace hnbsec::pcap {
namespace {

std::string hex64(std::uint64_t v) {
    return hex_digits(v, 16, false);
}

std::string hex32(std::uint32_t v) {
    return hex_digits(v, 8, true);
}

std::string padded(std::string text, std::size_t width, char fill = ' ') {
    if (text.size() < width) text.insert(0, width - text.size(), fill);
    return text;
}

// "1700000000.000000001": seconds and nanoseconds since the Unix epoch, as tshark's frame.time_epoch.
std::string epoch_time(std::int64_t ns) {
    const std::int64_t sec = ns / 1000000000LL;
    const std::int64_t frac = ns % 1000000000LL;
    return std::to_string(sec) + "." + padded(std::to_string(frac < 0 ? -frac : frac), 9, '0');
}

nlohmann::json ike_json(const IkeInfo& ike) {
    nlohmann::json j;
    j["spi_i"] = hex64(ike.spi_i);
    j["spi_r"] = hex64(ike.spi_r);
    j["exchange"] = ike::exchange_type_name(static_cast<ike::ExchangeType>(ike.exchange_type));
    j["exchange_type"] = ike.exchange_type;
    j["message_id"] = ike.message_id;
    j["response"] = ike.response;
    j["initiator"] = ike.initiator;
    j["over_4500"] = ike.over_4500;
    j["payloads"] = ike.payloads;
    if (ike.total_fragments != 0) {
        j["fragment_number"] = ike.fragment_number;
        j["total_fragments"] = ike.total_fragments;
    }
    j["decryption"] = std::string(ike_decryption_name(ike.decryption));
    if (ike.decryption == IkeDecryption::kDecrypted) j["inner_payloads"] = ike.inner_payloads;
    if (!ike.notify_types.empty()) j["notify_types"] = ike.notify_types;
    if (!ike.error.empty()) j["error"] = ike.error;
    return j;
}

}  // namespace

nlohmann::json to_json(const TimelineRecord& record) {
    const PacketDissection& d = record.dissection;
    nlohmann::json j;
    j["number"] = record.number;
    if (record.inner()) j["outer"] = record.outer_number;
    j["time"] = epoch_time(record.time_ns);
    j["direction"] = std::string(direction_name(record.direction));
    j["length"] = record.captured_length;
    if (d.source.version != 0) {
        j["src"] = d.source.to_string();
        j["dst"] = d.destination.to_string();
        j["ip_protocol"] = d.ip_protocol;
    }
    if (d.has(Layer::kUdp) || d.has(Layer::kTcp)) {
        j["sport"] = d.source_port;
        j["dport"] = d.destination_port;
    }
    nlohmann::json layers = nlohmann::json::array();
    for (Layer l : d.layers) layers.push_back(std::string(layer_name(l)));
    j["layers"] = std::move(layers);
    j["summary"] = d.summary;
    if (d.ike) j["ike"] = ike_json(*d.ike);
    if (d.esp) {
        nlohmann::json e;
        e["spi"] = hex32(d.esp->spi);
        e["sequence"] = d.esp->sequence;
        e["udp_encapsulated"] = d.esp->udp_encapsulated;
        e["decryption"] = std::string(esp_decryption_name(d.esp->decryption));
        if (d.esp->decryption == EspDecryption::kDecrypted) e["next_header"] = d.esp->next_header;
        if (!d.esp->error.empty()) e["error"] = d.esp->error;
        j["esp"] = std::move(e);
    }
    if (d.ntp) {
        j["ntp"] = {{"version", d.ntp->version},
                    {"mode", d.ntp->mode},
                    {"stratum", d.ntp->stratum},
                    {"leap", d.ntp->leap},
                    {"transmit_timestamp", hex64(d.ntp->transmit_timestamp)}};
    }
    if (d.tls) {
        nlohmann::json t;
        t["content_types"] = d.tls->content_types;
        t["handshake_types"] = d.tls->handshake_types;
        t["record_version"] = d.tls->record_version;
        if (d.tls->hello_version != 0) t["hello_version"] = d.tls->hello_version;
        if (!d.tls->supported_versions.empty()) t["supported_versions"] = d.tls->supported_versions;
        if (!d.tls->cipher_suites.empty()) t["cipher_suites"] = d.tls->cipher_suites;
        if (!d.tls->server_name.empty()) t["server_name"] = d.tls->server_name;
        j["tls"] = std::move(t);
    }
    if (d.http) {
        nlohmann::json h;
        h["request"] = d.http->request;
        if (d.http->request) {
            h["method"] = d.http->method;
            h["target"] = d.http->target;
        } else {
            h["status"] = d.http->status;
        }
        if (!d.http->content_type.empty()) h["content_type"] = d.http->content_type;
        if (!d.http->soap_method.empty()) h["soap_method"] = d.http->soap_method;
        h["ocsp"] = d.http->ocsp;
        j["http"] = std::move(h);
    }
    if (!record.comment.empty()) j["comment"] = record.comment;
    if (!d.error.empty()) j["error"] = d.error;
    return j;
}

namespace {

// Right-aligned in `width` columns, as padded() but into `out` without a temporary.
void append_padded(std::string& out, std::string_view text, std::size_t width) {
    if (text.size() < width) out.append(width - text.size(), ' ');
    out += text;
}

template <typename T>
std::string_view digits(char (&buffer)[32], T value) {
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return ec == std::errc() ? std::string_view(buffer, static_cast<std::size_t>(end - buffer)) : "?";
}

}  // namespace

void append_text(std::string& line, const TimelineRecord& record, std::int64_t start_ns) {
    // The hot path of `hnbsec pcap inspect`: appends into the caller's reused buffer, with
    // numbers formatted by to_chars, so a line costs no allocation once the buffer grew.
    const PacketDissection& d = record.dissection;
    const double rel = static_cast<double>(record.time_ns - start_ns) / 1e9;
    char buffer[32];
    if (record.inner()) {
        append_padded(line, digits(buffer, record.number), 6);
        line += ".in";
    } else {
        append_padded(line, digits(buffer, record.number), 9);
    }
    line += ' ';
    {
        auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, rel, std::chars_format::fixed, 6);
        append_padded(
            line, ec == std::errc() ? std::string_view(buffer, static_cast<std::size_t>(end - buffer)) : "?",
            10);
    }
    line += "  ";
    line += direction_name(record.direction);
    line += "  ";
    if (d.source.version != 0) {
        const bool ports = d.has(Layer::kUdp) || d.has(Layer::kTcp);
        d.source.append_to(line);
        if (ports) {
            line += ':';
            line += digits(buffer, d.source_port);
        }
        line += " -> ";
        d.destination.append_to(line);
        if (ports) {
            line += ':';
            line += digits(buffer, d.destination_port);
        }
        line += "  ";
    }
    line += d.summary;
    if (!d.error.empty()) {
        line += "  [error: ";
        line += d.error;
        line += ']';
    }
    if (d.ike && !d.ike->error.empty() && d.error.empty()) {
        line += "  [";
        line += d.ike->error;
        line += ']';
    }
    if (!record.comment.empty()) {
        line += "  # ";
        line += record.comment;
    }
}

std::string to_text(const TimelineRecord& record, std::int64_t start_ns) {
    std::string line;
    append_text(line, record, start_ns);
    return line;
}

}  // namespace hnbsec::pcap
