#pragma once
// Building SA payload proposals from ProposalSpec and choosing among a peer's
// proposals (RFC 7296 §2.7, §3.3.6). Also traffic selector narrowing (§2.9).

#include <optional>
#include <string>
#include <vector>

#include "proto/ike/crypto/suite.h"
#include "proto/ike/payloads.h"
#include "proto/ike/transform_ids.h"

namespace hnbsec::ike {

// One proposal with every transform of the spec (numbered `number`).
Proposal to_proposal(const ProposalSpec& spec, std::uint8_t number, Bytes spi);
Sa to_sa(const std::vector<ProposalSpec>& specs, const Bytes& spi);

struct ChosenProposal {
    Proposal reply;  // one transform of each type, the peer's number; spi as the peer sent
    Suite suite;
    bool esn = false;
    std::vector<DhGroup> acceptable_groups;  // IKE: peer's groups we accept, peer's order
};

// The first of the peer's proposals (in its order) that one of `ours` accepts; nullopt
// with `why` filled when none. `preferred_group` (the KE group) wins if acceptable.
std::optional<ChosenProposal> choose_proposal(const Sa& peer, const std::vector<ProposalSpec>& ours,
                                              ProtocolId protocol, std::optional<DhGroup> preferred_group,
                                              std::string* why);

// The intersection of what the peer proposes with what we allow (empty: TS_UNACCEPTABLE).
std::vector<TrafficSelector> narrow(const std::vector<TrafficSelector>& peer,
                                    const std::vector<TrafficSelector>& ours);
TrafficSelector ts_single_ip4(const Bytes& ip);
TrafficSelector ts_any_ip4();

}  // namespace hnbsec::ike
