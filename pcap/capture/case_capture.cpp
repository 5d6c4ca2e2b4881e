#include "pcap/capture/case_capture.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <system_error>

#include <nlohmann/json.hpp>

#include "pcap/pcapng/reader.h"
#include "pcap/pcapng/writer.h"

namespace hnbsec::pcap {
namespace {

namespace fs = std::filesystem;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Places each step on the first packet captured at or after it was marked; steps are
// marked in time order, packets come in time order, so one pass does it.
void place_steps(std::vector<CaseStep>& steps, std::uint64_t number, std::int64_t timestamp_ns) {
    for (auto& step : steps) {
        if (!step.packet && step.time_ns <= timestamp_ns) step.packet = number;
    }
}

std::string comment_of(std::uint64_t number, const std::vector<CaseStep>& steps,
                       const std::map<std::uint64_t, std::vector<std::string>>& citations) {
    std::string comment;
    auto add = [&comment](const std::string& line) {
        if (!comment.empty()) comment += '\n';
        comment += line;
    };
    for (const auto& step : steps) {
        if (step.packet == number) add("step " + std::to_string(step.number) + ": " + step.text);
    }
    if (auto cited = citations.find(number); cited != citations.end()) {
        for (const auto& reason : cited->second) add(reason);
    }
    return comment;
}

nlohmann::json summary_json(const CaseCaptureOptions& options, const CaseEvidence& evidence,
                            std::int64_t start_ns, std::int64_t end_ns) {
    nlohmann::json steps = nlohmann::json::array();
    for (const auto& step : evidence.steps) {
        nlohmann::json s{{"step", step.number}, {"text", step.text}, {"time_ns", step.time_ns}};
        s["first_packet"] = step.packet ? nlohmann::json(*step.packet) : nlohmann::json(nullptr);
        steps.push_back(std::move(s));
    }
    return {
        {"capture", evidence.capture.filename().string()},
        {"comment", capture_comment(options)},
        {"interface", options.interface},
        {"namespace", options.netns},
        {"filter", options.filter},
        {"start_ns", start_ns},
        {"end_ns", end_ns},
        {"packets_written", evidence.stats.packets_written},
        // libpcap's own counters (pcap_stats): a non-zero drop count means the capture
        // is incomplete, and a verdict that rests on absence of packets is then unsafe.
        {"pcap_stats",
         {{"received", evidence.stats.received},
          {"dropped", evidence.stats.dropped},
          {"interface_dropped", evidence.stats.interface_dropped}}},
        {"steps", std::move(steps)},
        {"packet_comments", evidence.packet_comments},
        {"tls_secrets_embedded", evidence.tls_secrets_embedded},
    };
}

}  // namespace

struct CaseCapture::Marks {
    std::mutex mutex;
    std::vector<CaseStep> steps;
    std::map<std::uint64_t, std::vector<std::string>> citations;
    std::int64_t start_ns = 0;
    std::int64_t end_ns = 0;
};

std::string capture_comment(const CaseCaptureOptions& options) {
    std::string comment = "hnbsec";
    if (!options.hnbsec_version.empty()) comment += " " + options.hnbsec_version;
    if (!options.test_case.empty()) comment += "; test case " + options.test_case;
    if (!options.profile_digest.empty()) comment += "; profile sha256:" + options.profile_digest;
    return comment;
}

CaseCapture::CaseCapture(CaseCaptureOptions options)
    : options_(std::move(options)), marks_(std::make_unique<Marks>()) {}

CaseCapture::~CaseCapture() = default;

Result<std::unique_ptr<CaseCapture>> CaseCapture::start(const CaseCaptureOptions& options) {
    std::error_code ec;
    fs::create_directories(options.dir, ec);
    if (ec) return Error("cannot create the evidence folder " + options.dir.string() + ": " + ec.message());
    std::unique_ptr<CaseCapture> capture(new CaseCapture(options));
    capture->raw_ = options.dir / "capture.raw.pcapng";
    LiveCaptureOptions live;
    live.interface = options.interface;
    live.netns = options.netns;
    live.filter = options.filter;
    live.output = capture->raw_;
    live.section.comment = capture_comment(options);
    live.snap_length = options.snap_length;
    capture->marks_->start_ns = now_ns();
    HNBSEC_TRY(capture->live_, LiveCapture::start(live));
    return capture;
}

int CaseCapture::step(std::string text) {
    std::lock_guard lock(marks_->mutex);
    CaseStep step;
    step.number = static_cast<int>(marks_->steps.size()) + 1;
    step.text = std::move(text);
    step.time_ns = now_ns();
    marks_->steps.push_back(std::move(step));
    return marks_->steps.back().number;
}

std::uint64_t CaseCapture::packets_captured() const {
    if (stats_) return stats_->packets_written;
    return live_ ? live_->packets_written() : 0;
}

Result<CaptureStats> CaseCapture::stop() {
    if (stats_) return *stats_;
    if (!live_) return Error("the capture was never started");
    auto stopped = live_->stop();
    live_.reset();
    marks_->end_ns = now_ns();
    if (!stopped.ok()) return std::move(stopped).error().context("capture on " + options_.interface);
    stats_ = *stopped;
    return *stats_;
}

void CaseCapture::cite(std::uint64_t number, std::string text) {
    std::lock_guard lock(marks_->mutex);
    marks_->citations[number].push_back(std::move(text));
}

Result<CaseEvidence> CaseCapture::write_evidence(const CaseSecrets& secrets) {
    HNBSEC_TRY(const CaptureStats stats, stop());
    std::lock_guard lock(marks_->mutex);
    CaseEvidence evidence;
    evidence.capture = options_.dir / "capture.pcapng";
    evidence.summary = options_.dir / "capture.json";
    evidence.stats = stats;
    evidence.steps = marks_->steps;

    HNBSEC_TRY(CaptureReader reader, CaptureReader::open(raw_));
    SectionInfo section;
    section.comment = capture_comment(options_);
    HNBSEC_TRY(PcapngWriter writer, PcapngWriter::create(evidence.capture, section));
    // The raw file's IDB comes before its first packet; read up to it.
    HNBSEC_TRY(auto first, reader.next());
    for (const auto& interface : reader.interfaces()) HNBSEC_CHECK(writer.add_interface(interface));
    if (reader.interfaces().empty()) return Error(raw_.string() + " has no interface description");
    // The secrets before every packet: Wireshark uses a DSB for the packets after it.
    if (!secrets.tls_key_log.empty()) {
        HNBSEC_CHECK(writer.write_tls_key_log(secrets.tls_key_log));
        evidence.tls_secrets_embedded = true;
    }
    std::uint64_t number = 0;
    for (auto packet = first; packet.has_value();) {
        ++number;
        place_steps(evidence.steps, number, packet->timestamp_ns);
        const std::string comment = comment_of(number, evidence.steps, marks_->citations);
        if (!comment.empty()) ++evidence.packet_comments;
        HNBSEC_CHECK(writer.write_packet(packet->interface_id, packet->timestamp_ns, packet->data,
                                         packet->original_length, comment));
        HNBSEC_TRY(packet, reader.next());
    }
    InterfaceStatistics isb;
    isb.start_ns = marks_->start_ns;
    isb.end_ns = marks_->end_ns;
    isb.received = stats.received;
    isb.interface_dropped = stats.interface_dropped;
    isb.os_dropped = stats.dropped;
    HNBSEC_CHECK(writer.write_interface_statistics(isb));
    HNBSEC_CHECK(writer.close());

    std::ofstream out(evidence.summary, std::ios::trunc);
    out << summary_json(options_, evidence, marks_->start_ns, marks_->end_ns).dump(2) << '\n';
    out.close();
    if (!out) return Error("cannot write " + evidence.summary.string());
    std::error_code ec;
    fs::remove(raw_, ec);
    return evidence;
}

}  // namespace hnbsec::pcap
