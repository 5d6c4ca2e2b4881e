// send_inform against an independent ACS: Python's http.server + ssl (testdata/acs.py),
// which requires a client certificate. The certificates come from the openssl command;
// the device key is generated on a SoftHSM2 token and used through libp11, so the TLS
// CertificateVerify is signed on the token. Missing peers are failures, not skips.

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <openssl/pem.h>

#include "emulator/services/cwmp_client.h"
#include "emulator/services/interop_support.h"
#include "hsm/libp11_key.h"
#include "hsm/test_support.h"

namespace hnbsec::emulator {
namespace {

using testing::ChildProcess;
using testing::run_command;
using testing::shell_quote;

constexpr const char* kIdentity = "00A0C9000001.hnb.lab.test";

// The lab of these tests, made once per process: CAs, server certificates (good, wrong
// host, untrusted), the device certificate for a token key, and the token itself.
struct Lab {
    hsm::testing::TempDir dir;
    std::string setup_error;
    std::optional<hsm::SoftHsmStore> store;
    std::shared_ptr<hsm::Pkcs11Module> module;
    std::optional<hsm::Token> token;
    struct Credential {
        std::optional<hsm::Libp11Key> key;
        std::vector<std::vector<std::uint8_t>> chain;  // DER, the device certificate
    };
    Credential device;      // EC P-256
    Credential device_rsa;  // RSA-2048: TLS 1.3 makes the token sign RSA-PSS

    std::string path(const std::string& name) const { return (dir.path() / name).string(); }

    bool openssl(const std::string& args) {
        const auto result = run_command("cd " + shell_quote(dir.path().string()) + " && openssl " + args);
        if (result.exit_code != 0) setup_error += "openssl " + args + ":\n" + result.output;
        return result.exit_code == 0;
    }

    bool make_ca(const std::string& name) {
        return openssl(
            "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + name + ".key -out " +
            name + ".pem -days 2 -subj '/O=hnbsec test/CN=" + name +
            "' -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
    }

    bool issue(const std::string& name, const std::string& ca, const std::string& cn, const std::string& san,
               const std::string& eku, const std::string& pubkey = "") {
        std::ofstream(path(name + ".ext")) << "subjectAltName=" << san << "\nextendedKeyUsage=" << eku
                                           << "\nkeyUsage=critical,digitalSignature\n";
        std::string key_args = pubkey.empty() ? "" : " -force_pubkey " + pubkey;
        if (pubkey.empty()) {
            if (!openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + name + ".key"))
                return false;
            if (!openssl("pkey -in " + name + ".key -pubout -out " + name + ".pub.pem")) return false;
            key_args = " -force_pubkey " + name + ".pub.pem";
        }
        return openssl("x509 -new" + key_args + " -subj '/O=hnbsec test/CN=" + cn + "' -CA " + ca +
                       ".pem -CAkey " + ca + ".key -days 2 -extfile " + name + ".ext -out " + name + ".pem");
    }

    void create() {
        if (!make_ca("operator-ca") || !make_ca("vendor-ca") || !make_ca("untrusted-ca")) return;
        if (!issue("hems", "operator-ca", "hems.lab.test", "DNS:hems.lab.test,DNS:localhost,IP:127.0.0.1",
                   "serverAuth") ||
            !issue("hems-wrong-host", "operator-ca", "other.lab.test", "DNS:other.lab.test,IP:127.0.0.9",
                   "serverAuth") ||
            !issue("hems-untrusted", "untrusted-ca", "hems.lab.test", "DNS:localhost,IP:127.0.0.1",
                   "serverAuth")) {
            return;
        }
        // The device key never leaves the token: only its public half goes to openssl.
        auto created = hsm::SoftHsmStore::create(dir.path() / "softhsm");
        if (!created.ok()) return void(setup_error = created.error().message());
        store.emplace(std::move(created).value());
        auto loaded = hsm::Pkcs11Module::load(hsm::Pkcs11Module::kSoftHsmPath);
        if (!loaded.ok()) return void(setup_error = loaded.error().message());
        module = std::move(loaded).value();
        auto initialised =
            hsm::Token::init_new(module, "hnbsec-device", hsm::testing::so_pin(), hsm::testing::user_pin());
        if (!initialised.ok()) return void(setup_error = initialised.error().message());
        token.emplace(std::move(initialised).value());
        if (make_device("device", hsm::KeySpec::ec(hsm::EcCurve::kP256), 1, device)) {
            make_device("device-rsa", hsm::KeySpec::rsa(2048), 2, device_rsa);
        }
    }

    // A key generated on the token, and a certificate for its public half from vendor-ca.
    bool make_device(const std::string& name, const hsm::KeySpec& spec, std::uint8_t id, Credential& into) {
        auto generated = token->generate_key(spec, name, std::vector<std::uint8_t>{id});
        if (!generated.ok()) return fail(generated.error().message());
        auto public_key = token->public_key(*generated);
        if (!public_key.ok()) return fail(public_key.error().message());
        FILE* out = std::fopen(path(name + ".pub.pem").c_str(), "w");
        if (out == nullptr) return fail("cannot create " + name + ".pub.pem");
        const int written = PEM_write_PUBKEY(out, public_key->get());
        if (std::fclose(out) != 0 || written != 1) return fail("PEM_write_PUBKEY failed");
        if (!issue(name, "vendor-ca", kIdentity, std::string("DNS:") + kIdentity, "clientAuth",
                   name + ".pub.pem") ||
            !openssl("x509 -in " + name + ".pem -outform DER -out " + name + ".der")) {
            return false;
        }
        std::ifstream der(path(name + ".der"), std::ios::binary);
        into.chain.push_back({std::istreambuf_iterator<char>(der), {}});
        auto opened = hsm::Libp11Key::open(module, token->uri(*generated), hsm::testing::user_pin());
        if (!opened.ok()) return fail(opened.error().message());
        into.key.emplace(std::move(opened).value());
        return true;
    }

    bool fail(const std::string& why) {
        setup_error += why;
        return false;
    }
};

Lab* lab = nullptr;

class CwmpClientTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        lab = new Lab;  // NOLINT: torn down in TearDownTestSuite, before the token library goes
        lab->create();
    }
    static void TearDownTestSuite() {
        delete lab;
        lab = nullptr;
    }

    void SetUp() override { ASSERT_TRUE(lab->setup_error.empty()) << lab->setup_error; }

    // Starts the ACS; extra arguments as acs.py takes them. Returns its port.
    std::uint16_t start_acs(const std::string& server_cert, std::vector<std::string> extra = {}) {
        log_ = dir_.path() / "acs.log";
        std::vector<std::string> argv{HNBSEC_PYTHON, std::string(HNBSEC_SERVICES_TESTDATA_DIR) + "/acs.py",
                                      "--log", log_.string()};
        if (!server_cert.empty()) {
            for (const std::string& a : {std::string("--cert"), lab->path(server_cert + ".pem"),
                                         std::string("--key"), lab->path(server_cert + ".key")}) {
                argv.push_back(a);
            }
        }
        argv.insert(argv.end(), extra.begin(), extra.end());
        acs_.emplace(argv, dir_.path() / "acs.stderr");
        auto line = acs_->read_line(std::chrono::seconds(10));
        if (!line || line->rfind("listening ", 0) != 0) {
            ADD_FAILURE() << "the ACS did not start: " << line.value_or("(no output)") << "\n"
                          << run_command("cat " + shell_quote((dir_.path() / "acs.stderr").string())).output;
            return 0;
        }
        return static_cast<std::uint16_t>(std::stoi(line->substr(10)));
    }

    std::uint16_t start_tls_acs(const std::string& server_cert = "hems",
                                const std::string& versions = "1.2-1.3",
                                std::vector<std::string> extra = {}) {
        extra.insert(extra.end(), {"--tls", versions, "--client-ca", lab->path("vendor-ca.pem")});
        return start_acs(server_cert, extra);
    }

    InformRequest request(std::uint16_t port, const std::string& host = "127.0.0.1") const {
        InformRequest r;
        r.url = "https://" + host + ":" + std::to_string(port) + "/cwmp";
        r.key = lab->device.key->pkey();
        r.chain = lab->device.chain;
        r.trust_anchors_pem = lab->path("operator-ca.pem");
        r.device_id.oui = "00A0C9";
        r.device_id.serial_number = "00A0C9000001";
        r.timeout = std::chrono::milliseconds(10000);
        return r;
    }

    // The ACS's record of each request, in order.
    std::vector<nlohmann::json> acs_log() const {
        std::vector<nlohmann::json> entries;
        std::ifstream in(log_);
        for (std::string line; std::getline(in, line);) {
            auto entry = nlohmann::json::parse(line, nullptr, false);
            if (!entry.is_discarded()) entries.push_back(std::move(entry));
        }
        return entries;
    }

    hsm::testing::TempDir dir_;
    std::filesystem::path log_;
    std::optional<ChildProcess> acs_;
};

void expect_complete_session(const Result<InformResult>& result) {
    ASSERT_TRUE(result.ok()) << result.error().message();
    EXPECT_EQ(result->inform_status, 200);
    EXPECT_TRUE(result->inform_response);
    EXPECT_EQ(result->close_status, 204);
}

TEST_F(CwmpClientTest, InformOverTls13WithTheTokenKey) {
    const std::uint16_t port = start_tls_acs();
    auto result = send_inform(request(port));
    expect_complete_session(result);
    if (!result.ok()) return;
    EXPECT_EQ(result->tls_version, "TLSv1.3");
    EXPECT_FALSE(result->cipher.empty());
    EXPECT_NE(result->peer_subject.find("CN=hems.lab.test"), std::string::npos) << result->peer_subject;

    const auto log = acs_log();
    ASSERT_EQ(log.size(), 2U);
    const auto& inform = log[0];
    EXPECT_EQ(inform["rpc"], "Inform");
    EXPECT_EQ(inform["tls_version"], "TLSv1.3");
    EXPECT_EQ(inform["client_subject"]["commonName"], kIdentity);
    EXPECT_EQ(inform["events"], nlohmann::json::array({"1 BOOT"}));
    EXPECT_EQ(inform["device_id"]["OUI"], "00A0C9");
    EXPECT_EQ(inform["device_id"]["SerialNumber"], "00A0C9000001");
    EXPECT_EQ(inform["device_id"]["Manufacturer"], "hnbsec");
    EXPECT_EQ(inform["max_envelopes"], "1");
    EXPECT_EQ(inform["retry_count"], "0");
    EXPECT_EQ(inform["parameters"]["Device.ManagementServer.ConnectionRequestURL"], "http://127.0.0.1:7547/");
    EXPECT_EQ(inform["parameters"]["Device.DeviceInfo.SerialNumber"], "00A0C9000001");
    EXPECT_EQ(inform["headers"]["SOAPAction"], "\"urn:dslforum-org:cwmp-1-0#Inform\"");
    EXPECT_EQ(inform["headers"]["Content-Type"].get<std::string>().rfind("text/xml", 0), 0U);
    EXPECT_TRUE(inform["sni"].is_null()) << "no SNI for an IP address (RFC 6066 §3)";
    EXPECT_TRUE(log[1]["rpc"].is_null());  // the empty POST
    EXPECT_EQ(log[1]["peer_port"], inform["peer_port"]) << "the session must keep its connection";
}

TEST_F(CwmpClientTest, RsaTokenKeySignsTls13AndTls12) {
    for (const char* versions : {"1.2-1.3", "1.2-1.2"}) {
        const std::uint16_t port = start_tls_acs("hems", versions);
        InformRequest r = request(port);
        r.key = lab->device_rsa.key->pkey();
        r.chain = lab->device_rsa.chain;
        auto result = send_inform(r);
        expect_complete_session(result);
        if (result.ok()) {
            EXPECT_EQ(result->tls_version, std::string(versions) == "1.2-1.2" ? "TLSv1.2" : "TLSv1.3");
        }
        acs_.reset();
    }
}

TEST_F(CwmpClientTest, InformOverTls12) {
    const std::uint16_t port = start_tls_acs("hems", "1.2-1.2");
    auto result = send_inform(request(port));
    expect_complete_session(result);
    if (result.ok()) {
        EXPECT_EQ(result->tls_version, "TLSv1.2");
    }
}

TEST_F(CwmpClientTest, HostNameInTheUrlIsSentAsSniAndChecked) {
    const std::uint16_t port = start_tls_acs();
    expect_complete_session(send_inform(request(port, "localhost")));
    const auto log = acs_log();
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(log[0]["sni"], "localhost");
}

TEST_F(CwmpClientTest, UntrustedServerCertificateIsRefused) {
    const std::uint16_t port = start_tls_acs("hems-untrusted");
    auto result = send_inform(request(port));
    ASSERT_FALSE(result.ok());
    RecordProperty("error", result.error().message());
    const std::string message = result.error().message();
    EXPECT_NE(message.find("server certificate rejected: unable to get local issuer certificate"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("TLS handshake with the ACS"), std::string::npos) << message;
    EXPECT_TRUE(acs_log().empty());
}

TEST_F(CwmpClientTest, UntrustedServerCertificateIsAcceptedWithoutChainCheck) {
    const std::uint16_t port = start_tls_acs("hems-untrusted");
    InformRequest r = request(port);
    r.verify_chain = false;
    expect_complete_session(send_inform(r));
}

TEST_F(CwmpClientTest, WrongHostIsRefused) {
    const std::uint16_t port = start_tls_acs("hems-wrong-host");
    auto by_ip = send_inform(request(port));
    ASSERT_FALSE(by_ip.ok());
    RecordProperty("error", by_ip.error().message());
    EXPECT_NE(by_ip.error().message().find("IP address mismatch"), std::string::npos)
        << by_ip.error().message();
    auto by_name = send_inform(request(port, "localhost"));
    ASSERT_FALSE(by_name.ok());
    RecordProperty("error", by_name.error().message());
    EXPECT_NE(by_name.error().message().find("hostname mismatch"), std::string::npos)
        << by_name.error().message();
}

TEST_F(CwmpClientTest, WrongHostIsAcceptedWithoutHostnameCheck) {
    const std::uint16_t port = start_tls_acs("hems-wrong-host");
    InformRequest r = request(port);
    r.verify_hostname = false;
    expect_complete_session(send_inform(r));
    // Waiving the chain check alone leaves the name check standing: one defect, one requirement.
    r.verify_hostname = true;
    r.verify_chain = false;
    auto refused = send_inform(r);
    ASSERT_FALSE(refused.ok());
    RecordProperty("error", refused.error().message());
    EXPECT_NE(refused.error().message().find("IP address mismatch"), std::string::npos);
}

TEST_F(CwmpClientTest, Tls10OnlyServerIsRefused) {
    const std::uint16_t port = start_tls_acs("hems", "1.0-1.0");
    auto result = send_inform(request(port));
    ASSERT_FALSE(result.ok());
    RecordProperty("error", result.error().message());
    EXPECT_NE(result.error().message().find("TLS handshake failed"), std::string::npos)
        << result.error().message();
}

TEST_F(CwmpClientTest, Tls10OnlyServerIsAcceptedWhenTls10IsOffered) {
    const std::uint16_t port = start_tls_acs("hems", "1.0-1.0");
    InformRequest r = request(port);
    r.offer_tls10 = true;
    auto result = send_inform(r);
    expect_complete_session(result);
    if (result.ok()) {
        EXPECT_EQ(result->tls_version, "TLSv1");
    }
}

TEST_F(CwmpClientTest, NoClientCertificateIsRefusedByTheServer) {
    for (const char* versions : {"1.2-1.3", "1.2-1.2"}) {
        const std::uint16_t port = start_tls_acs("hems", versions);
        InformRequest r = request(port);
        r.send_client_cert = false;
        auto result = send_inform(r);
        ASSERT_FALSE(result.ok()) << versions;
        RecordProperty("error", result.error().message());
        EXPECT_TRUE(acs_log().empty()) << versions;
        acs_.reset();
    }
}

TEST_F(CwmpClientTest, PlainHttpOnlyWhenAskedFor) {
    const std::uint16_t port = start_acs("", {"--plain"});
    InformRequest r = request(port);
    r.url = "http://127.0.0.1:" + std::to_string(port) + "/cwmp";
    auto refused = send_inform(r);
    ASSERT_FALSE(refused.ok());
    RecordProperty("error", refused.error().message());
    EXPECT_NE(refused.error().message().find("over TLS only"), std::string::npos)
        << refused.error().message();
    r.plain_http = true;
    auto result = send_inform(r);
    expect_complete_session(result);
    if (result.ok()) {
        EXPECT_EQ(result->tls_version, "none");
    }
    const auto log = acs_log();
    ASSERT_EQ(log.size(), 2U);
    EXPECT_FALSE(log[0].contains("tls_version"));
}

TEST_F(CwmpClientTest, BindAddressAndDevicePlaceTheConnection) {
    const std::uint16_t port = start_tls_acs();
    InformRequest r = request(port);
    r.bind_address = "127.0.0.2";
    r.bind_device = "lo";
    expect_complete_session(send_inform(r));
    const auto log = acs_log();
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(log[0]["peer"], "127.0.0.2");
    EXPECT_EQ(log[0]["parameters"]["Device.ManagementServer.ConnectionRequestURL"], "http://127.0.0.2:7547/");
}

TEST_F(CwmpClientTest, AnAcsRequestIsAnsweredWithFault9000) {
    const std::uint16_t port = start_tls_acs("hems", "1.2-1.3", {"--rpc", "GetParameterValues"});
    expect_complete_session(send_inform(request(port)));
    const auto log = acs_log();
    ASSERT_EQ(log.size(), 3U);
    EXPECT_EQ(log[2]["rpc"], "Fault");
    EXPECT_EQ(log[2]["fault_code"], "9000");
    EXPECT_EQ(log[2]["cwmp_id"], "acs-1");
}

TEST_F(CwmpClientTest, NobodyListeningIsAConnectError) {
    auto result = send_inform(request(testing::free_udp_port()));
    ASSERT_FALSE(result.ok());
    RecordProperty("error", result.error().message());
    EXPECT_NE(result.error().message().find("connecting to the ACS"), std::string::npos)
        << result.error().message();
}

}  // namespace
}  // namespace hnbsec::emulator

namespace hnbsec::emulator {
namespace {

// The versions a ClientHello's supported_versions extension lists, as `openssl s_server
// -trace` (a second, independent TLS stack's view of our ClientHello) prints them.
std::vector<std::string> offered_versions(const InformRequest& base, const Lab& tls_lab,
                                          const std::filesystem::path& dir) {
    const std::uint16_t port = testing::free_udp_port();  // TCP and UDP ports share the kernel's pool
    ChildProcess server(
        {"/usr/bin/openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port), "-cert",
         tls_lab.path("hems.pem"), "-key", tls_lab.path("hems.key"), "-naccept", "1", "-trace", "-www"},
        dir / "s_server.stderr");
    std::vector<std::string> versions;
    for (auto line = server.read_line(std::chrono::seconds(10)); line;
         line = server.read_line(std::chrono::seconds(10))) {
        if (line->find("ACCEPT") != std::string::npos) break;
    }
    InformRequest r = base;
    r.url = "https://127.0.0.1:" + std::to_string(port) + "/cwmp";
    r.timeout = std::chrono::milliseconds(1000);
    static_cast<void>(send_inform(r));  // s_server -www is no ACS; only its view of the hello matters
    bool in_extension = false;
    for (auto line = server.read_line(std::chrono::seconds(5)); line;
         line = server.read_line(std::chrono::seconds(5))) {
        if (line->find("extension_type=supported_versions") != std::string::npos) {
            if (!versions.empty()) break;  // the ServerHello's own extension
            in_extension = true;
            continue;
        }
        if (!in_extension) continue;
        if (line->find("TLS 1.") == std::string::npos) {
            in_extension = false;
            if (!versions.empty()) break;
            continue;
        }
        const auto start = line->find("TLS 1.");
        versions.push_back(line->substr(start, 7));
    }
    return versions;
}

TEST_F(CwmpClientTest, ClientHelloOffersTls12And13Only) {
    EXPECT_EQ(offered_versions(request(0), *lab, dir_.path()),
              (std::vector<std::string>{"TLS 1.3", "TLS 1.2"}));
}

TEST_F(CwmpClientTest, ClientHelloOffersTls10WhenAskedTo) {
    InformRequest r = request(0);
    r.offer_tls10 = true;
    EXPECT_EQ(offered_versions(r, *lab, dir_.path()),
              (std::vector<std::string>{"TLS 1.3", "TLS 1.2", "TLS 1.1", "TLS 1.0"}));
}

}  // namespace
}  // namespace hnbsec::emulator
