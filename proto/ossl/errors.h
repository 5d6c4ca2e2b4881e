#pragma once
// OpenSSL's thread-local error queue as text, the one place that turns it into an
// hnbsec::Error (proto/ike/crypto keeps its own copy: proto/ike does not depend on this).

#include <string>

#include "core/error.h"

namespace hnbsec::ossl {

// Drains this thread's error queue into "reason (detail); reason; ...", or
// "no OpenSSL error recorded" so a message never ends in ": ".
std::string errors();

// Error("<what>: <errors()>").
Error error(const std::string& what);

}  // namespace hnbsec::ossl
