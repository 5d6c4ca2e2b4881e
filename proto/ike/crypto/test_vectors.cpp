#include "proto/ike/crypto/test_vectors.h"

#include <fstream>

#include <gtest/gtest.h>

#include "proto/ike/crypto/test_hex.h"

namespace hnbsec::ike::testing {
namespace {

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

}  // namespace

Result<VectorFile> VectorFile::load(const std::string& name) {
    const std::string path = std::string(HNBSEC_IKE_CRYPTO_TESTDATA) + "/" + name;
    std::ifstream in(path);
    if (!in) return Error("cannot open " + path);
    VectorFile file;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        line = trim(line);
        if (line.empty() || line[0] == '#') continue;
        const auto eq = line.find('=');
        if (eq == std::string::npos) return Error(path + ":" + std::to_string(number) + ": no '='");
        file.values_[trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
    }
    return file;
}

std::string VectorFile::text(const std::string& key) const {
    auto it = values_.find(key);
    if (it == values_.end()) {
        ADD_FAILURE() << "no value '" << key << "' in the vector file";
        return {};
    }
    return it->second;
}

Octets VectorFile::octets(const std::string& key) const {
    return hex(text(key));
}

}  // namespace hnbsec::ike::testing
