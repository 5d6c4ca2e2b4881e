#pragma once
// The ways a test case makes the OCSP responder misbehave (TS 33.320 revocation tests:
// the device must reject what RFC 6960 §3.2 tells a client to reject). Plain values;
// the Responder swaps a whole set atomically at run time.

#include <chrono>
#include <string>
#include <string_view>

#include "core/result.h"
#include "harness/roles/ocsp/ca_directory.h"

namespace hnbsec::ocsp {

enum class NonceMode { kEcho, kOmit, kWrong };

struct Knobs {
    SignerChoice signer = SignerChoice::kDelegated;
    bool stale = false;                  // thisUpdate and nextUpdate in the past (RFC 6960 §4.2.2.1)
    bool bad_signature = false;          // one bit of the signature flipped
    NonceMode nonce = NonceMode::kEcho;  // RFC 8954 / RFC 6960 §4.4.1 nonce handling
    int response_status = 0;             // OCSPResponseStatus (§4.2.1); non-zero: an error response
    bool no_answer = false;              // close the connection without an HTTP answer
    std::chrono::milliseconds delay{0};  // answer late

    bool operator==(const Knobs&) const = default;
};

// "signer=no-eku stale nonce=wrong status=tryLater delay=2000ms", or "none".
std::string describe(const Knobs& knobs);

// Applies one "name[=value]" setting, the syntax of `hnbsec ocsp --knob`:
//   signer=delegated|ca|no-eku|other-ca  stale  bad-signature  nonce=echo|omit|wrong
//   status=successful|malformedRequest|internalError|tryLater|sigRequired|unauthorized
//   no-answer  delay=<ms>
Status apply_knob(Knobs& knobs, std::string_view setting);

std::string_view response_status_name(int status);

}  // namespace hnbsec::ocsp
