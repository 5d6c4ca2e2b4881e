#pragma once
// The time server's test knobs: how it lies about time and how it treats requests.
// A test case turns them while the server runs (from any thread); every request is
// answered with one consistent snapshot.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "proto/ntp/mac.h"
#include "proto/ntp/packet.h"

namespace hnbsec::timeserver {

// Symmetric keys by id (chrony keyfile); shared read-only between snapshots.
using KeyTable = std::vector<ntp::SymmetricKey>;
const ntp::SymmetricKey* find_key(const KeyTable& keys, std::uint32_t id);

// How requests carrying (or lacking) a MAC are served (RFC 5905 §7.3).
enum class AuthMode {
    kOff,       // MACs are ignored; every answer is unauthenticated
    kOptional,  // signed requests get signed answers, unsigned ones plain answers ("also")
    kRequired,  // only requests with a valid MAC are answered ("only")
};

// What a request with a bad MAC or an unknown key id gets. chrony as a server sends
// nothing; RFC 5905 §7.4 allows a crypto-NAK (a MAC of a zero key id), which chrony as
// a client treats as an unauthenticated answer and drops, so both fail a good client.
enum class BadMacAnswer { kNoAnswer, kCryptoNak };

struct ServerKnobs {
    std::chrono::nanoseconds offset{0};  // added to the true time in every timestamp
    std::uint8_t stratum = 1;            // 16 = unsynchronised (RFC 5905 §7.3)
    ntp::Leap leap = ntp::Leap::kNoWarning;
    std::string reference_id = "LOCL";     // for stratum 1: four ASCII letters
    std::optional<std::string> kiss_code;  // answer every request with this KoD (RATE, DENY, RSTR)
    bool no_answer = false;                // receive and report, never answer
    std::chrono::nanoseconds answer_delay{0};
    AuthMode auth = AuthMode::kOptional;
    BadMacAnswer bad_mac = BadMacAnswer::kNoAnswer;
    bool corrupt_mac = false;   // sign answers with a damaged digest: a device must reject them
    bool wrong_origin = false;  // echo a wrong origin timestamp (RFC 5905 §8 "bogus"): must be ignored
    std::shared_ptr<const KeyTable> keys = std::make_shared<const KeyTable>();
};

// The knobs as shared, thread-safe state.
class Knobs {
public:
    Knobs() = default;
    explicit Knobs(ServerKnobs initial) : value_(std::move(initial)) {}

    ServerKnobs snapshot() const;
    void set(ServerKnobs value);
    // Changes some knobs atomically: knobs.update([](ServerKnobs& k) { k.stratum = 16; });
    void update(const std::function<void(ServerKnobs&)>& change);

private:
    mutable std::mutex mutex_;
    ServerKnobs value_;
};

std::string to_string(AuthMode mode);
std::optional<AuthMode> auth_mode_from_name(std::string_view name);

}  // namespace hnbsec::timeserver
