#include "harness/dut/strongswan_dut.h"

#include <csignal>
#include <fstream>
#include <iterator>

#include <openssl/crypto.h>
#include <sys/stat.h>

#include "harness/dut/token_pin.h"
#include "harness/lab/token_setup.h"
#include "hsm/pkcs11_uri.h"

namespace hnbsec::dut {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kSwanctlSubdirs[] = {"x509",    "x509ca", "x509ocsp", "x509aa", "x509ac",
                                           "x509crl", "pubkey", "private",  "rsa",    "ecdsa",
                                           "bliss",   "pkcs8",  "pkcs12"};

Result<std::string> read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error("cannot read " + path.string());
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

Status write_text(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) return Error("cannot write " + path.string());
    return Ok{};
}

std::string tail_of(const fs::path& file) {
    auto text = read_text(file);
    if (!text.ok()) return "";
    constexpr std::size_t kTail = 1500;
    return text->size() > kTail ? "..." + text->substr(text->size() - kTail) : *text;
}

std::string hex(const std::vector<std::uint8_t>& bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (const auto b : bytes) {
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 0xf]);
    }
    return out;
}

Status make_private_dir(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Error("cannot create " + dir.string() + ": " + ec.message());
    if (::chmod(dir.c_str(), 0700) != 0) return Error("cannot chmod 0700 " + dir.string());
    return Ok{};
}

// Certificates into swanctl's folders: the device's (its chain's first) into x509/, the
// rest of its chain too (sent, not trusted), the trust anchors into x509ca/.
Result<std::string> install_certificates(const CharonFiles& files, const pki::Manifest& manifest,
                                         const pki::Entry& device, const std::vector<std::string>& anchors) {
    const fs::path chain_file = manifest.file(device, "chain");
    if (chain_file.empty()) return Error("the PKI manifest's '" + device.name + "' has no chain file");
    HNBSEC_TRY(const std::string chain, read_text(chain_file));
    const auto certs = split_pem_certificates(chain);
    if (certs.empty()) return Error(chain_file.string() + " holds no certificate");
    const std::string device_file = device.name + ".pem";
    HNBSEC_CHECK(write_text(files.swanctl_dir / "x509" / device_file, certs[0]));
    for (std::size_t i = 1; i < certs.size(); ++i)
        HNBSEC_CHECK(write_text(
            files.swanctl_dir / "x509" / (device.name + "-chain" + std::to_string(i) + ".pem"), certs[i]));
    for (const auto& name : anchors) {
        const pki::Entry* anchor = manifest.find(name);
        if (anchor == nullptr)
            return Error("trust anchor '" + name + "' (pixit.trust_anchors) is not in the PKI");
        const fs::path pem = manifest.file(*anchor, "pem");
        HNBSEC_TRY(const std::string text, read_text(pem));
        HNBSEC_CHECK(write_text(files.swanctl_dir / "x509ca" / (name + ".pem"), text));
    }
    return device_file;
}

}  // namespace

StrongswanDut::StrongswanDut(CharonFiles files, const net::NetworkPlan& plan,
                             std::vector<std::string> environment, StrongswanDutOptions options)
    : files_(std::move(files)),
      ns_(plan.dut_ns),
      interface_(plan.public_link),
      outer_address_(plan.dut_address),
      environment_(std::move(environment)),
      options_(std::move(options)) {}

StrongswanDut::~StrongswanDut() {
    (void)stop();
}

Result<std::unique_ptr<StrongswanDut>> StrongswanDut::create(const profile::Profile& profile,
                                                             const pki::Manifest& manifest,
                                                             const net::NetworkPlan& plan,
                                                             StrongswanDutOptions options) {
    if (plan.dut_ns.empty()) return Error("the network plan has no DUT namespace for charon");
    const pki::Entry* device = manifest.find(options.device);
    if (device == nullptr) return Error("the PKI has no device certificate '" + options.device + "'");
    if (!device->key || !device->key->on_token())
        return Error("the key of '" + options.device + "' is not on the token; run 'hnbsec pki init'");
    HNBSEC_TRY(const hsm::Pkcs11Uri uri, hsm::Pkcs11Uri::parse(device->key->location));
    if (uri.id.empty()) return Error("the token URI of '" + options.device + "' has no id (CKA_ID)");

    CharonFiles files = charon_files(options.run_dir);
    HNBSEC_CHECK(make_private_dir(files.dir));
    HNBSEC_CHECK(make_private_dir(files.run_dir));
    HNBSEC_CHECK(make_private_dir(files.swanctl_dir));
    for (const char* sub : kSwanctlSubdirs) HNBSEC_CHECK(make_private_dir(files.swanctl_dir / sub));

    HNBSEC_TRY(const std::string certificate,
               install_certificates(files, manifest, *device, profile.pixit.trust_anchors));

    CharonSettings settings;
    settings.pkcs11_module = profile.hsm.module;
    HNBSEC_TRY(const std::string conf, render_strongswan_conf(files, settings));
    HNBSEC_CHECK(write_text(files.strongswan_conf, conf));

    HNBSEC_TRY(const PinLocation where,
               device_pin_location(profile, manifest, options.pin_file, options.pin_env));
    const hsm::PinSource source =
        where.file ? hsm::PinSource::file(*where.file) : hsm::PinSource::environment(*where.env);
    HNBSEC_TRY(const hsm::Pin pin, source.read());
    HnbConnection connection{plan.dut_address,        plan.segw_address, profile.dut.identity,
                             profile.pixit.segw_fqdn, plan.core_network, options.ike_proposals,
                             options.esp_proposals,   certificate,       hex(uri.id)};
    HNBSEC_TRY(std::string swanctl_conf, render_swanctl_conf(connection, pin));
    const Status written = write_private_file(files.swanctl_dir / "swanctl.conf", swanctl_conf);
    OPENSSL_cleanse(swanctl_conf.data(), swanctl_conf.size());
    HNBSEC_CHECK(written);

    std::vector<std::string> environment{"STRONGSWAN_CONF=" + files.strongswan_conf.string(),
                                         "SWANCTL_DIR=" + files.swanctl_dir.string()};
    if (lab::is_softhsm_module(profile.hsm.module)) {
        if (auto store = softhsm_store(profile, manifest))
            environment.push_back("SOFTHSM2_CONF=" + (*store / "softhsm2.conf").string());
    }
    return std::unique_ptr<StrongswanDut>(
        new StrongswanDut(std::move(files), plan, std::move(environment), std::move(options)));
}

std::optional<pid_t> StrongswanDut::charon_pid() const {
    if (!charon_) return std::nullopt;
    return charon_->pid();
}

Result<CommandResult> StrongswanDut::swanctl(std::vector<std::string> args) const {
    SpawnSpec spec;
    spec.argv = {options_.swanctl_binary};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.argv.insert(spec.argv.end(), {"--uri", std::string(kViciUri)});
    spec.env_set = environment_;
    spec.cwd = files_.dir;
    return run_command(spec, options_.command_timeout);
}

Status StrongswanDut::wait_for_charon() {
    // Up when the pid file names our process and the vici socket exists. Between looks the
    // wait is on charon itself, so a charon that dies ends it at once.
    const auto deadline = Clock::now() + options_.start_timeout;
    const std::string pid_text = std::to_string(charon_->pid());
    for (;;) {
        if (auto exited = charon_->wait_for(std::chrono::milliseconds(20)))
            return Error("charon ended at start with " + exited->describe() + ":\n" + tail_of(files_.output) +
                         tail_of(files_.log));
        std::error_code ec;
        if (fs::is_socket(files_.vici_socket, ec)) {
            auto pid = read_text(files_.pid_file);
            if (pid.ok() && pid->find(pid_text) == 0) return Ok{};
        }
        if (Clock::now() >= deadline)
            return Error("charon did not open its vici socket within " +
                         std::to_string(options_.start_timeout.count()) + " ms:\n" + tail_of(files_.output));
    }
}

Result<ActionResult> StrongswanDut::start() {
    if (charon_ && charon_->running()) return ActionResult::done("charon already running");
    std::error_code ec;
    fs::remove(files_.vici_socket, ec);
    fs::remove(files_.pid_file, ec);
    fs::remove(files_.initiate_log, ec);
    SpawnSpec spec;
    spec.argv = {options_.charon_binary.string()};
    spec.env_set = environment_;
    spec.cwd = files_.dir;
    spec.netns = ns_;
    spec.private_run = files_.run_dir;
    spec.output = files_.output;
    HNBSEC_TRY(ChildProcess charon, ChildProcess::spawn(spec));
    charon_.emplace(std::move(charon));
    if (auto up = wait_for_charon(); !up.ok()) {
        (void)stop();
        return std::move(up).error();
    }

    auto loaded = swanctl({"--load-all", "--noprompt"});
    if (!loaded.ok() || !loaded->ok() || loaded->output.find("failed") != std::string::npos) {
        const std::string why = loaded.ok() ? loaded->output : loaded.error().message();
        (void)stop();
        return Error("swanctl --load-all failed:\n" + why);
    }

    // The device connects by itself after power-on: initiate in the background.
    SpawnSpec initiate;
    initiate.argv = {options_.swanctl_binary,
                     "--initiate",
                     "--ike",
                     std::string(kConnection),
                     "--child",
                     std::string(kChild),
                     "--timeout",
                     std::to_string(options_.initiate_timeout.count()),
                     "--uri",
                     std::string(kViciUri)};
    initiate.env_set = environment_;
    initiate.cwd = files_.dir;
    initiate.output = files_.initiate_log;
    auto started = ChildProcess::spawn(initiate);
    if (!started.ok()) {
        (void)stop();
        return std::move(started).error().context("starting swanctl --initiate");
    }
    initiate_.emplace(std::move(started).value());
    return ActionResult::done("charon (pid " + std::to_string(charon_->pid()) + ") up in " + ns_ +
                              ", initiating IKE to " + outer_address_ + " -> SeGW");
}

Result<ActionResult> StrongswanDut::wait_ready(std::chrono::milliseconds timeout) {
    if (!charon_ || !charon_->running()) return Error("charon is not running; start() first");
    if (initiate_) {
        auto status = initiate_->wait_for(timeout);
        if (!status) {
            return ActionResult::inconclusive("charon's IKE SA not established within " +
                                              std::to_string(timeout.count()) + " ms");
        }
        if (!status->success()) {
            return ActionResult::inconclusive("swanctl --initiate failed (" + status->describe() + "):\n" +
                                              tail_of(files_.initiate_log));
        }
    }
    HNBSEC_TRY(const CommandResult sas, swanctl({"--list-sas", "--raw"}));
    if (sas.ok() && sas.output.find("state=ESTABLISHED") != std::string::npos)
        return ActionResult::done("charon's IKE SA is established");
    return ActionResult::inconclusive("charon has no established IKE SA:\n" + sas.output);
}

Status StrongswanDut::stop() {
    std::string problems;
    if (initiate_) {
        initiate_->stop(std::chrono::milliseconds(0));
        initiate_.reset();
    }
    if (charon_) {
        const ExitStatus status = charon_->stop(options_.stop_timeout);
        if (status.signal == SIGKILL) problems = "charon did not exit on SIGTERM; killed";
        charon_.reset();
    }
    std::error_code ec;
    fs::remove(files_.vici_socket, ec);
    fs::remove(files_.pid_file, ec);  // charon leaves it behind when killed
    if (!problems.empty()) return Error(problems);
    return Ok{};
}

Result<ActionResult> StrongswanDut::power_cycle() {
    HNBSEC_CHECK(stop());
    HNBSEC_TRY(ActionResult started, start());
    started.detail = "charon restarted: " + started.detail;
    return started;
}

Result<ActionResult> StrongswanDut::hpm_remove() {
    return ActionResult::unsupported("strongSwan as a DUT has no HPM");
}
Result<ActionResult> StrongswanDut::hpm_insert() {
    return ActionResult::unsupported("strongSwan as a DUT has no HPM");
}
Result<ActionResult> StrongswanDut::factory_reset() {
    return ActionResult::unsupported("strongSwan as a DUT has no factory settings to restore");
}
Result<ActionResult> StrongswanDut::load_tampered_image() {
    return ActionResult::unsupported("strongSwan as a DUT has no firmware image (no TrE)");
}
Result<ActionResult> StrongswanDut::set_defect(std::string_view name) {
    return ActionResult::unsupported("defect '" + std::string(name) + "' exists on the emulated DUT only");
}
Result<ActionResult> StrongswanDut::clear_defect(std::string_view name) {
    return ActionResult::unsupported("defect '" + std::string(name) + "' exists on the emulated DUT only");
}

DutTraffic StrongswanDut::traffic() const {
    return DutTraffic{ns_, interface_, outer_address_};
}

std::vector<EvidenceFile> StrongswanDut::evidence() const {
    // swanctl.conf holds the PIN: never evidence.
    return {{"charon log", files_.log},
            {"charon output", files_.output},
            {"swanctl --initiate output", files_.initiate_log},
            {"strongswan.conf", files_.strongswan_conf}};
}

}  // namespace hnbsec::dut
