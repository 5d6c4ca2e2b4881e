// [capture]: optional. How the harness captures the DUT-facing link for each test case's
// wire evidence: a BPF filter (checked here with libpcap's own compiler, so a typo is a
// profile error and not a failed campaign), the snap length, and whether the evidence
// carries the session keys (Wireshark decryption tables, the TLS key log and a pcapng
// Decryption Secrets Block). Key export is off unless the profile or the command line
// asks for it: the keys decrypt everything the DUT said.
#include <pcap/pcap.h>

#include "harness/profile/sections.h"

namespace hnbsec::profile::detail {
namespace {

constexpr std::int64_t kMaxSnapLength = 262144;  // libpcap's MAXIMUM_SNAPLEN

Status check_bpf_filter(std::string_view filter) {
    pcap_t* dead = pcap_open_dead(DLT_EN10MB, static_cast<int>(kMaxSnapLength));
    if (dead == nullptr) return Error("libpcap cannot compile filters here");
    bpf_program program{};
    const std::string text(filter);
    const int rc = pcap_compile(dead, &program, text.c_str(), 1, PCAP_NETMASK_UNKNOWN);
    std::string why = rc != 0 ? pcap_geterr(dead) : "";
    if (rc == 0) pcap_freecode(&program);
    pcap_close(dead);
    if (rc != 0) return Error("not a BPF filter libpcap accepts: " + why);
    return Ok{};
}

}  // namespace

void read_capture(TableReader& root, ReadContext& context, Capture& out) {
    TableReader capture(root.section("capture"), "capture", context.diag);
    out.filter = capture.checked("filter", Need::kOptional, check_bpf_filter).value_or(out.filter);
    if (auto snap = capture.positive("snap_length", Need::kOptional, kMaxSnapLength)) {
        if (*snap < 68) {
            capture.fail("snap_length", "at least 68 octets (an IPv6 + UDP + IKE header)");
        } else {
            out.snap_length = *snap;
        }
    }
    out.export_keys = capture.boolean("export_keys").value_or(out.export_keys);
    capture.finish();
}

}  // namespace hnbsec::profile::detail
