#include "proto/ike/testdata.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "proto/ike/udp_encapsulation.h"
#include "proto/wire/hex.h"

namespace hnbsec::ike::testing {

Bytes hex(std::string_view text) {
    auto bytes = wire::from_hex(text);
    EXPECT_TRUE(bytes.ok()) << (bytes.ok() ? "" : bytes.error().what());
    return bytes.ok() ? *bytes : Bytes{};
}

std::vector<Fixture> fixtures(std::string_view file) {
    std::string path = std::string(HNBSEC_IKE_TESTDATA_DIR) + "/" + std::string(file);
    std::ifstream in(path);
    EXPECT_TRUE(in.good()) << "cannot open " << path;
    std::vector<Fixture> records;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream fields(line);
        Fixture f;
        std::string text;
        fields >> f.name >> f.kind >> text;
        EXPECT_FALSE(text.empty()) << "record without hex in " << file << ": " << f.name;
        f.bytes = hex(text);
        records.push_back(std::move(f));
    }
    return records;
}

Fixture fixture(std::string_view file, std::string_view name) {
    for (auto& f : fixtures(file)) {
        if (f.name == name) return f;
    }
    ADD_FAILURE() << "no fixture " << name << " in " << file;
    return {};
}

Bytes ike_message(const Fixture& fixture) {
    if (fixture.kind == "udp:4500") {
        auto datagram = classify_udp4500(fixture.bytes);
        EXPECT_EQ(datagram.kind, Udp4500Kind::kIke) << fixture.name;
        return Bytes(datagram.packet.begin(), datagram.packet.end());
    }
    EXPECT_EQ(fixture.kind, "udp:500") << fixture.name;
    return fixture.bytes;
}

PayloadType first_payload(const Fixture& fixture) {
    EXPECT_EQ(fixture.kind.rfind("payloads:", 0), 0u) << fixture.name;
    return static_cast<PayloadType>(std::stoi(fixture.kind.substr(9)));
}

}  // namespace hnbsec::ike::testing
