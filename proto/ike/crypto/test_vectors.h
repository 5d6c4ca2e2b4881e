#pragma once
// Test helper: a known-answer file of "name = value" lines ('#' comments), as kept under
// proto/ike/crypto/testdata/. Tests read it; the product never does.

#include <map>
#include <string>

#include "core/result.h"
#include "proto/ike/crypto/octets.h"

namespace hnbsec::ike::testing {

class VectorFile {
public:
    // Loads testdata/<name> (the directory is compiled in as HNBSEC_IKE_CRYPTO_TESTDATA).
    static Result<VectorFile> load(const std::string& name);

    bool has(const std::string& key) const { return values_.count(key) != 0; }
    // The value as text; empty when absent (and the test fails).
    std::string text(const std::string& key) const;
    // The value as octets (hex); empty when absent or not hex (and the test fails).
    Octets octets(const std::string& key) const;

private:
    std::map<std::string, std::string> values_;
};

}  // namespace hnbsec::ike::testing
