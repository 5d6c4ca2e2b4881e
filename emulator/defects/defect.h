#pragma once
// The emulator's defect switches: each makes the emulated H(e)NB break exactly one
// requirement of the project's requirements table, and changes one named thing on the
// wire. The suite proves a test case can fail by running it against the defect that
// names the test case's requirement (the kill matrix).
//
// A defect is set from the configuration ([boot] defects), from the command line
// (--defect) or over the control channel (`defect set NAME`); the code that the defect
// bends asks `DefectSet::has()` at the moment it acts, so a change takes effect at the
// next boot step that reads it.

#include <array>
#include <atomic>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hnbsec::emulator {

enum class Defect : std::size_t {
    // Device authentication (the SeGW's certificate and our identity)
    kAcceptUntrustedSegwCert,
    kSkipSegwIdentityCheck,
    kAcceptExpiredSegwCert,
    kWrongIdi,
    kNoTrustAnchorCertreq,
    // Revocation (RFC 4806)
    kNoOcspCertreq,
    kIgnoreOcspRevoked,
    kAcceptUnverifiedOcsp,
    // IKEv2 / ESP profile
    kWeakIkeProposal,
    kEspNullIntegrity,
    kNoCpRequest,
    kNoNatDetection,
    kIgnoreLiveness,
    kNoEspReplayCheck,
    kRequestTransportMode,
    // What must stay inside the tunnel, and when
    kNtpOutsideTunnel,
    kTrafficBeforeAuth,
    kCwmpOutsideTunnel,
    // H(e)MS link
    kCwmpPlainHttp,
    kAcceptTls10,
    kAcceptUntrustedHemsCert,
    kSkipHemsHostnameCheck,
    kNoTlsClientCert,
    // HPM, TrE, time
    kIgnoreHpmRemoval,
    kIgnoreIntegrityFailure,
    kSkipNtpOriginCheck,
    kCount
};

inline constexpr std::size_t kDefectCount = static_cast<std::size_t>(Defect::kCount);

struct DefectInfo {
    Defect defect;
    std::string_view name;         // the switch, e.g. "accept-untrusted-segw-cert"
    std::string_view requirement;  // e.g. "HNB-REQ-DEVAUTH-007"
    std::string_view wire_effect;  // what a capture shows when it is set
};

// Every defect, in enum order.
std::span<const DefectInfo> all_defects();
const DefectInfo& info(Defect defect);
std::optional<Defect> defect_from_name(std::string_view name);

// The active defects; safe to read and change from any thread.
class DefectSet {
public:
    DefectSet() = default;
    bool has(Defect defect) const { return bits_[index(defect)].load(std::memory_order_relaxed); }
    void set(Defect defect) { bits_[index(defect)].store(true, std::memory_order_relaxed); }
    void clear(Defect defect) { bits_[index(defect)].store(false, std::memory_order_relaxed); }
    void clear_all();
    // Names of the active defects, in enum order.
    std::vector<std::string> names() const;

private:
    static std::size_t index(Defect defect) { return static_cast<std::size_t>(defect); }
    std::array<std::atomic<bool>, kDefectCount> bits_{};
};

}  // namespace hnbsec::emulator
