#pragma once
// Configuration of one IKE SA (either role) and the responder knobs SeGW test cases set.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/result.h"
#include "proto/ike/sa/credentials.h"
#include "proto/ike/sa/types.h"
#include "proto/ike/transform_ids.h"

namespace hnbsec::ike {

// Retransmission of our requests (RFC 7296 §2.1): base, base*factor, ... then failure.
struct RetransmitPolicy {
    std::chrono::milliseconds base{500};
    double factor = 2.0;
    int max_tries = 5;  // transmissions in total, the first included
};

// IKE fragmentation (RFC 7383).
struct FragmentPolicy {
    bool enabled = true;     // send IKEV2_FRAGMENTATION_SUPPORTED
    std::size_t mtu = 1280;  // IP datagram size a message must fit (RFC 7383 §2.5.1)
    std::size_t max_fragments = 64;
    std::size_t max_total_size = 64 * 1024;
    std::chrono::milliseconds reassembly_timeout{30000};
};

// NAT traversal (RFC 7296 §2.23).
struct NatPolicy {
    // Fake NAT_DETECTION_SOURCE_IP so both ends float to 4500 (strongSwan `encap = yes`).
    bool force_encap = false;
    // NAT keepalives (RFC 3948 §2.3) from the end behind a NAT; 0 disables.
    std::chrono::seconds keepalive_interval{20};
};

// CP answer of the responder's address pool (RFC 7296 §3.15).
struct AddressAssignment {
    Bytes ip4;                // INTERNAL_IP4_ADDRESS
    std::vector<Bytes> dns4;  // INTERNAL_IP4_DNS
};
using AddressPool = std::function<Result<AddressAssignment>(const Id& peer_id)>;

// The second authentication round of RFC 4739 (ANOTHER_AUTH_FOLLOWS, typically EAP).
// A seam: no implementation yet, so an SA without one answers AUTHENTICATION_FAILED.
class SecondAuthRound {
public:
    virtual ~SecondAuthRound() = default;
    // Inner payloads of the next IKE_AUTH request -> inner payloads of the response.
    virtual Result<std::vector<Payload>> on_request(const std::vector<Payload>& inner) = 0;
};

// The placeholder: always "not supported".
class UnsupportedSecondAuth final : public SecondAuthRound {
public:
    Result<std::vector<Payload>> on_request(const std::vector<Payload>& inner) override;
};

// Knobs a SeGW test case sets (responder role only).
struct ResponderKnobs {
    bool force_cookie = false;
    std::size_t half_open_cookie_threshold = 64;     // cookies once this many SAs are half-open
    std::optional<NotifyType> ike_sa_init_error;     // answer IKE_SA_INIT with this notify instead
    std::optional<NotifyType> ike_auth_error;        // answer IKE_AUTH with this notify instead
    int drop_response_n = 0;                         // 1-based per SA; 0 = never
    int duplicate_response_n = 0;                    // 1-based per SA; 0 = never
    int delay_response_n = 0;                        // 1-based per SA; 0 = never
    std::chrono::milliseconds response_delay{2000};  // how long that response is held
    std::optional<std::size_t> force_fragment_mtu;
    std::optional<std::vector<ProposalSpec>> ike_proposals;  // restrict acceptable proposals
    std::optional<std::vector<ProposalSpec>> esp_proposals;
    bool answer_invalid_ike_spi = true;  // RFC 7296 §2.21.4
};

// Departures from RFC 7296 the emulated H(e)NB's defect switches make (initiator role
// only); the defaults are conformant.
struct InitiatorKnobs {
    // false: IKE_SA_INIT carries no NAT_DETECTION_*_IP notifies (§2.23), so no NAT is seen.
    bool send_nat_detection = true;
    // false: empty INFORMATIONAL requests (liveness checks, §1.4) go unanswered.
    bool answer_liveness = true;
};

struct SaTimeouts {
    std::chrono::seconds half_open{30};      // responder: IKE_SA_INIT answered, no IKE_AUTH yet
    std::chrono::seconds failed_linger{10};  // a failed SA still answers retransmissions, then closes
};

struct IkeSaConfig {
    Id local_id;
    std::optional<Id> remote_id;  // initiator: sent as IDr when set; both: expected peer id
    LocalCredentials credentials;
    PeerValidator validator;
    std::vector<Bytes> trust_anchor_spkis;  // DER SubjectPublicKeyInfo -> CERTREQ
    // Initiator: SHA-1 hashes (20 octets each) of the public keys of the OCSP responders
    // we trust; when set, IKE_AUTH carries CERTREQ(OCSP Content) with them (RFC 4806 §3.1).
    // An empty list still asks for a staple, from any responder.
    std::optional<std::vector<Bytes>> ocsp_responder_hashes;

    std::vector<ProposalSpec> ike_proposals;
    std::vector<ProposalSpec> esp_proposals;
    std::optional<DhGroup> initial_ke_group;  // initiator; default: first group proposed

    std::vector<TrafficSelector> ts_local;
    std::vector<TrafficSelector> ts_remote;

    bool request_address = true;  // initiator: CFG_REQUEST INTERNAL_IP4_ADDRESS
    bool request_dns = true;      // initiator: + INTERNAL_IP4_DNS
    AddressPool address_pool;     // responder

    bool initial_contact = true;
    bool announce_signature_hashes = true;  // RFC 7427 §4 SIGNATURE_HASH_ALGORITHMS
    bool multiple_auth_supported = false;   // RFC 4739
    std::shared_ptr<SecondAuthRound> second_auth;
    // Initiator: payloads appended to the IKE_AUTH request (e.g. N(ANOTHER_AUTH_FOLLOWS)).
    std::vector<Payload> extra_auth_payloads;

    NatPolicy nat;
    FragmentPolicy fragmentation;
    RetransmitPolicy retransmit;
    SaTimeouts timeouts;
    ResponderKnobs knobs;  // responder only
    InitiatorKnobs initiator_knobs;
};

}  // namespace hnbsec::ike
