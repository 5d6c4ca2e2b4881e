#pragma once
// CaseCapture: the wire evidence of one test case. The runner (today: the lab fixture and
// `hnbsec lab up`) starts it before the DUT is stimulated, marks the test steps while the
// case runs, stops it, lets the verdict cite packets by number, and finally writes the
// case's evidence folder:
//
//   <dir>/capture.pcapng      the packets, with a capture comment naming the hnbsec
//                             version, test case and profile digest; packet comments tying
//                             packets to steps ("step 2: power on") and to verdict reasons
//                             ("FAIL: NTP request in clear"); a Decryption Secrets Block
//                             with the TLS key log when the user opted in to key export;
//                             an Interface Statistics Block with libpcap's counters
//   <dir>/capture.json        interface, filter, libpcap's received/dropped counters,
//                             the steps and where each landed
//
// While the case runs, packets stream into <dir>/capture.raw.pcapng (LiveCapture); the
// final file is a rewrite of it, because the DSB must come before the packets it
// decrypts and verdict comments are only known at the end.
//
//   auto capture = CaseCapture::start(options);          // before the DUT acts
//   capture->step("power on");                           // as the case goes
//   auto stats = capture->stop();
//   capture->cite(17, "FAIL: NTP request left in clear"); // packet numbers from 1, as tshark
//   auto evidence = capture->write_evidence({.tls_key_log = lab.tls_key_log()});

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "pcap/capture/live_capture.h"

namespace hnbsec::pcap {

struct CaseCaptureOptions {
    std::string interface;  // the DUT-facing interface
    std::string netns;      // its namespace; empty: the caller's
    std::string filter;     // BPF from the profile; empty: everything
    std::filesystem::path dir;
    // The capture comment: "hnbsec <version>; test case <id>; profile sha256:<digest>".
    std::string hnbsec_version;
    std::string test_case;
    std::string profile_digest;
    int snap_length = 262144;
};

// Secrets to embed; empty fields embed nothing. Passing them is the key-export opt-in.
struct CaseSecrets {
    std::string tls_key_log;  // NSS key log lines (SSLKEYLOGFILE format)
};

struct CaseStep {
    int number = 0;
    std::string text;
    std::int64_t time_ns = 0;             // when the step was marked (CLOCK_REALTIME, like the packets)
    std::optional<std::uint64_t> packet;  // the first packet at or after that time, if any
};

struct CaseEvidence {
    std::filesystem::path capture;  // <dir>/capture.pcapng
    std::filesystem::path summary;  // <dir>/capture.json
    CaptureStats stats;
    std::vector<CaseStep> steps;
    std::size_t packet_comments = 0;
    bool tls_secrets_embedded = false;
};

class CaseCapture {
public:
    // Returns once libpcap is capturing: whatever is sent after this returns is in the file.
    static Result<std::unique_ptr<CaseCapture>> start(const CaseCaptureOptions& options);
    ~CaseCapture();
    CaseCapture(const CaseCapture&) = delete;
    CaseCapture& operator=(const CaseCapture&) = delete;

    // Marks the beginning of test step N (numbered from 1 in call order); thread-safe.
    int step(std::string text);
    // Packets written so far (before stop()), for waits with a deadline.
    std::uint64_t packets_captured() const;
    // Stops capturing (idempotent); the counters are final.
    Result<CaptureStats> stop();
    // The capture as written so far: wire queries read it after stop().
    const std::filesystem::path& raw_capture() const { return raw_; }
    // A verdict reason on packet `number` (1-based, tshark's frame.number). Several
    // comments on one packet are joined.
    void cite(std::uint64_t number, std::string text);
    // Stops if needed, writes capture.pcapng and capture.json, removes the raw file.
    Result<CaseEvidence> write_evidence(const CaseSecrets& secrets = {});

private:
    explicit CaseCapture(CaseCaptureOptions options);
    struct Marks;
    CaseCaptureOptions options_;
    std::filesystem::path raw_;
    std::unique_ptr<LiveCapture> live_;
    std::optional<CaptureStats> stats_;
    std::unique_ptr<Marks> marks_;
};

// "hnbsec 0.3.0; test case TC-REV-001; profile sha256:ab12..." (empty parts left out).
std::string capture_comment(const CaseCaptureOptions& options);

}  // namespace hnbsec::pcap
