// Decoding of CWMP envelopes (TR-069 §3.5, Annex A) with pugixml. Every required element
// that is missing is named with its path ("Inform/DeviceId/OUI") so a verdict can quote it.

#include <charconv>
#include <functional>
#include <map>

#include <pugixml.hpp>

#include "proto/cwmp/envelope.h"
#include "proto/cwmp/xml_names.h"

namespace hnbsec::cwmp {
namespace {

using Node = pugi::xml_node;

Error missing(const std::string& path) {
    return Error("CWMP envelope: missing element " + path);
}

Result<Node> required(const Node& parent, const std::string& path, std::string_view name) {
    Node child = child_named(parent, name);
    if (!child) return missing(path + "/" + std::string(name));
    return child;
}

Result<std::string> text(const Node& parent, const std::string& path, std::string_view name) {
    HNBSEC_TRY(Node child, required(parent, path, name));
    return std::string(child.text().get());
}

std::string optional_text(const Node& parent, std::string_view name) {
    return std::string(child_named(parent, name).text().get());
}

template <typename T>
Result<T> number(const Node& parent, const std::string& path, std::string_view name) {
    HNBSEC_TRY(std::string value, text(parent, path, name));
    // Whitespace around the number is legal in XML content.
    const auto first = value.find_first_not_of(" \t\r\n");
    const auto last = value.find_last_not_of(" \t\r\n");
    if (first == std::string::npos) {
        return Error("CWMP envelope: " + path + "/" + std::string(name) + " is empty, expected a number");
    }
    T out{};
    const char* begin = value.data() + first;
    const char* end = value.data() + last + 1;
    const auto [ptr, ec] = std::from_chars(begin, end, out);
    if (ec != std::errc() || ptr != end) {
        return Error("CWMP envelope: " + path + "/" + std::string(name) + " is '" + value +
                     "', expected an unsigned number");
    }
    return out;
}

// ParameterValueStruct list (TR-069 A.3.2.4): <ParameterList><ParameterValueStruct><Name/><Value/>...
Result<std::vector<ParameterValue>> parameter_values(const Node& list, const std::string& path) {
    std::vector<ParameterValue> out;
    for (Node item = list.first_child(); item; item = item.next_sibling()) {
        if (item.type() != pugi::node_element) continue;
        if (local_name(item) != "ParameterValueStruct") {
            return Error("CWMP envelope: " + path + " holds <" + std::string(local_name(item)) +
                         ">, expected ParameterValueStruct");
        }
        const std::string item_path = path + "/ParameterValueStruct[" + std::to_string(out.size()) + "]";
        ParameterValue p;
        HNBSEC_TRY(p.name, text(item, item_path, "Name"));
        HNBSEC_TRY(Node value, required(item, item_path, "Value"));
        p.value = value.text().get();
        const auto type = value.attribute("xsi:type");
        p.type = type ? type.value() : "";
        out.push_back(std::move(p));
    }
    return out;
}

Result<FaultStruct> fault_struct(const Node& parent, const std::string& path) {
    FaultStruct f;
    HNBSEC_TRY(f.fault_code, number<std::uint32_t>(parent, path, "FaultCode"));
    HNBSEC_TRY(f.fault_string, text(parent, path, "FaultString"));
    return f;
}

Result<Rpc> inform(const Node& n) {
    Inform m;
    HNBSEC_TRY(Node device, required(n, "Inform", "DeviceId"));
    HNBSEC_TRY(m.device_id.manufacturer, text(device, "Inform/DeviceId", "Manufacturer"));
    HNBSEC_TRY(m.device_id.oui, text(device, "Inform/DeviceId", "OUI"));
    HNBSEC_TRY(m.device_id.product_class, text(device, "Inform/DeviceId", "ProductClass"));
    HNBSEC_TRY(m.device_id.serial_number, text(device, "Inform/DeviceId", "SerialNumber"));
    HNBSEC_TRY(Node events, required(n, "Inform", "Event"));
    for (Node e = events.first_child(); e; e = e.next_sibling()) {
        if (e.type() != pugi::node_element) continue;
        const std::string path = "Inform/Event/EventStruct[" + std::to_string(m.events.size()) + "]";
        EventStruct event;
        HNBSEC_TRY(event.event_code, text(e, path, "EventCode"));
        event.command_key = optional_text(e, "CommandKey");
        m.events.push_back(std::move(event));
    }
    HNBSEC_TRY(m.max_envelopes, number<std::uint32_t>(n, "Inform", "MaxEnvelopes"));
    HNBSEC_TRY(m.current_time, text(n, "Inform", "CurrentTime"));
    HNBSEC_TRY(m.retry_count, number<std::uint32_t>(n, "Inform", "RetryCount"));
    HNBSEC_TRY(Node list, required(n, "Inform", "ParameterList"));
    HNBSEC_TRY(m.parameters, parameter_values(list, "Inform/ParameterList"));
    return Rpc(std::move(m));
}

Result<Rpc> inform_response(const Node& n) {
    InformResponse m;
    HNBSEC_TRY(m.max_envelopes, number<std::uint32_t>(n, "InformResponse", "MaxEnvelopes"));
    return Rpc(m);
}

Result<Rpc> get_parameter_values(const Node& n) {
    GetParameterValues m;
    HNBSEC_TRY(Node names, required(n, "GetParameterValues", "ParameterNames"));
    for (Node s = names.first_child(); s; s = s.next_sibling()) {
        if (s.type() == pugi::node_element) m.names.emplace_back(s.text().get());
    }
    return Rpc(std::move(m));
}

Result<Rpc> get_parameter_values_response(const Node& n) {
    GetParameterValuesResponse m;
    HNBSEC_TRY(Node list, required(n, "GetParameterValuesResponse", "ParameterList"));
    HNBSEC_TRY(m.parameters, parameter_values(list, "GetParameterValuesResponse/ParameterList"));
    return Rpc(std::move(m));
}

Result<Rpc> set_parameter_values(const Node& n) {
    SetParameterValues m;
    HNBSEC_TRY(Node list, required(n, "SetParameterValues", "ParameterList"));
    HNBSEC_TRY(m.parameters, parameter_values(list, "SetParameterValues/ParameterList"));
    HNBSEC_TRY(m.parameter_key, text(n, "SetParameterValues", "ParameterKey"));
    return Rpc(std::move(m));
}

Result<Rpc> set_parameter_values_response(const Node& n) {
    SetParameterValuesResponse m;
    HNBSEC_TRY(m.status, number<int>(n, "SetParameterValuesResponse", "Status"));
    return Rpc(m);
}

Result<Rpc> reboot(const Node& n) {
    Reboot m;
    HNBSEC_TRY(m.command_key, text(n, "Reboot", "CommandKey"));
    return Rpc(std::move(m));
}

Result<Rpc> download(const Node& n) {
    Download m;
    HNBSEC_TRY(m.command_key, text(n, "Download", "CommandKey"));
    HNBSEC_TRY(m.file_type, text(n, "Download", "FileType"));
    HNBSEC_TRY(m.url, text(n, "Download", "URL"));
    HNBSEC_TRY(m.username, text(n, "Download", "Username"));
    HNBSEC_TRY(m.password, text(n, "Download", "Password"));
    HNBSEC_TRY(m.file_size, number<std::uint64_t>(n, "Download", "FileSize"));
    HNBSEC_TRY(m.target_file_name, text(n, "Download", "TargetFileName"));
    HNBSEC_TRY(m.delay_seconds, number<std::uint32_t>(n, "Download", "DelaySeconds"));
    HNBSEC_TRY(m.success_url, text(n, "Download", "SuccessURL"));
    HNBSEC_TRY(m.failure_url, text(n, "Download", "FailureURL"));
    return Rpc(std::move(m));
}

Result<Rpc> download_response(const Node& n) {
    DownloadResponse m;
    HNBSEC_TRY(m.status, number<int>(n, "DownloadResponse", "Status"));
    HNBSEC_TRY(m.start_time, text(n, "DownloadResponse", "StartTime"));
    HNBSEC_TRY(m.complete_time, text(n, "DownloadResponse", "CompleteTime"));
    return Rpc(std::move(m));
}

Result<Rpc> transfer_complete(const Node& n) {
    TransferComplete m;
    HNBSEC_TRY(m.command_key, text(n, "TransferComplete", "CommandKey"));
    HNBSEC_TRY(Node fault, required(n, "TransferComplete", "FaultStruct"));
    HNBSEC_TRY(m.fault, fault_struct(fault, "TransferComplete/FaultStruct"));
    HNBSEC_TRY(m.start_time, text(n, "TransferComplete", "StartTime"));
    HNBSEC_TRY(m.complete_time, text(n, "TransferComplete", "CompleteTime"));
    return Rpc(std::move(m));
}

// SOAP 1.1 §4.4 Fault; the CWMP fault sits in detail/cwmp:Fault (TR-069 A.5).
Result<Rpc> fault(const Node& n) {
    Fault m;
    HNBSEC_TRY(m.soap_fault_code, text(n, "Fault", "faultcode"));
    HNBSEC_TRY(m.soap_fault_string, text(n, "Fault", "faultstring"));
    HNBSEC_TRY(Node detail, required(n, "Fault", "detail"));
    HNBSEC_TRY(Node cwmp_fault, required(detail, "Fault/detail", "Fault"));
    HNBSEC_TRY(m.cwmp, fault_struct(cwmp_fault, "Fault/detail/Fault"));
    return Rpc(std::move(m));
}

template <typename T>
Result<Rpc> empty_rpc(const Node& /*n*/) {
    return Rpc(T{});
}

using RpcDecoder = Result<Rpc> (*)(const Node&);

const std::map<std::string_view, RpcDecoder>& rpc_decoders() {
    static const std::map<std::string_view, RpcDecoder> table = {
        {"Inform", inform},
        {"InformResponse", inform_response},
        {"GetParameterValues", get_parameter_values},
        {"GetParameterValuesResponse", get_parameter_values_response},
        {"SetParameterValues", set_parameter_values},
        {"SetParameterValuesResponse", set_parameter_values_response},
        {"Reboot", reboot},
        {"RebootResponse", empty_rpc<RebootResponse>},
        {"FactoryReset", empty_rpc<FactoryReset>},
        {"FactoryResetResponse", empty_rpc<FactoryResetResponse>},
        {"Download", download},
        {"DownloadResponse", download_response},
        {"TransferComplete", transfer_complete},
        {"TransferCompleteResponse", empty_rpc<TransferCompleteResponse>},
    };
    return table;
}

// "urn:dslforum-org:cwmp-1-N" with N in the accepted range, else -1.
int cwmp_minor_of(std::string_view uri) {
    constexpr std::string_view prefix = "urn:dslforum-org:cwmp-1-";
    if (uri.size() != prefix.size() + 1 || uri.substr(0, prefix.size()) != prefix) return -1;
    const int minor = uri.back() - '0';
    return minor >= kMinNamespaceMinor && minor <= kMaxNamespaceMinor ? minor : -1;
}

Status check_cwmp_namespace(const Node& n, int& minor) {
    const std::string uri = namespace_of(n);
    const int found = cwmp_minor_of(uri);
    if (found < 0) {
        return Error("CWMP envelope: <" + std::string(local_name(n)) + "> is in namespace '" + uri +
                     "', expected urn:dslforum-org:cwmp-1-0 .. 1-4");
    }
    if (minor >= 0 && minor != found) {
        return Error("CWMP envelope: <" + std::string(local_name(n)) + "> uses cwmp-1-" +
                     std::to_string(found) + " but the header uses cwmp-1-" + std::to_string(minor));
    }
    minor = found;
    return Ok{};
}

Result<Node> soap_child(const Node& parent, std::string_view name, const std::string& path) {
    Node child = child_named(parent, name);
    if (!child) return missing(path + "/" + std::string(name));
    if (namespace_of(child) != kSoapEnvelopeNs) {
        return Error("CWMP envelope: " + path + "/" + std::string(name) +
                     " is not in the SOAP 1.1 envelope namespace");
    }
    return child;
}

}  // namespace

Result<Envelope> decode_envelope(std::string_view xml) {
    if (xml.size() > kMaxEnvelopeBytes) {
        return Error("CWMP envelope: " + std::to_string(xml.size()) + " bytes, more than the " +
                     std::to_string(kMaxEnvelopeBytes) + " accepted");
    }
    pugi::xml_document doc;
    // pugixml never fetches external entities. End-of-line normalisation is off so that values
    // are reported exactly as the device sent them (and encode/decode round-trips).
    const pugi::xml_parse_result parsed =
        doc.load_buffer(xml.data(), xml.size(), pugi::parse_default & ~pugi::parse_eol);
    if (!parsed) {
        return Error("CWMP envelope: XML is not well-formed: " + std::string(parsed.description()) +
                     " at offset " + std::to_string(parsed.offset));
    }
    const Node root = first_element(doc);
    if (!root || local_name(root) != "Envelope" || namespace_of(root) != kSoapEnvelopeNs) {
        return Error("CWMP envelope: root element is not a SOAP 1.1 Envelope");
    }
    Envelope out;
    int minor = -1;
    if (const Node header = child_named(root, "Header")) {
        if (const Node id = child_named(header, "ID")) {
            HNBSEC_CHECK(check_cwmp_namespace(id, minor));
            out.id = id.text().get();
        }
        if (const Node hold = child_named(header, "HoldRequests")) {
            const std::string_view value = hold.text().get();
            out.hold_requests = value == "1" || value == "true";
        }
    }
    HNBSEC_TRY(Node body, soap_child(root, "Body", "Envelope"));
    const Node rpc = first_element(body);
    if (!rpc) return missing("Envelope/Body/<RPC>");
    const std::string_view name = local_name(rpc);
    if (name == "Fault" && namespace_of(rpc) == kSoapEnvelopeNs) {
        HNBSEC_TRY(out.rpc, fault(rpc));
        out.cwmp_minor = minor < 0 ? 0 : minor;
        if (const Node cwmp_fault = child_named(child_named(rpc, "detail"), "Fault")) {
            HNBSEC_CHECK(check_cwmp_namespace(cwmp_fault, minor));
            out.cwmp_minor = minor;
        }
        return out;
    }
    HNBSEC_CHECK(check_cwmp_namespace(rpc, minor));
    out.cwmp_minor = minor;
    const auto& table = rpc_decoders();
    const auto it = table.find(name);
    if (it == table.end()) return Error("CWMP envelope: unsupported RPC <" + std::string(name) + ">");
    HNBSEC_TRY(out.rpc, it->second(rpc));
    return out;
}

}  // namespace hnbsec::cwmp
