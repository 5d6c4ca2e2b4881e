#include "harness/lab/token_setup.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <unistd.h>

#include "hsm/softhsm_store.h"

namespace hnbsec::lab {
namespace fs = std::filesystem;

namespace {

constexpr const char* kUserPinFile = "user.pin";
constexpr const char* kSoPinFile = "so.pin";

// A random PIN of 16 hex digits in a new file that open(2) creates with mode 0600,
// so the PIN is never readable by others, whatever the umask.
Status write_random_pin(const fs::path& path) {
    std::array<unsigned char, 8> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
        return Error("OpenSSL could not produce random bytes for a PIN");
    static constexpr char kHex[] = "0123456789abcdef";
    std::array<char, 17> pin{};
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        pin[2 * i] = kHex[bytes[i] >> 4];
        pin[2 * i + 1] = kHex[bytes[i] & 0xf];
    }
    pin[16] = '\n';
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return Error("cannot create PIN file " + path.string() + ": " + std::strerror(errno));
    const bool written = ::write(fd, pin.data(), pin.size()) == static_cast<ssize_t>(pin.size());
    OPENSSL_cleanse(pin.data(), pin.size());
    OPENSSL_cleanse(bytes.data(), bytes.size());
    if (::close(fd) != 0 || !written) return Error("cannot write PIN file " + path.string());
    return Ok{};
}

// A store hnbsec made holds softhsm2.conf, tokens/ and so.pin; nothing else is
// ever deleted by --force.
bool is_our_store(const fs::path& dir) {
    return fs::exists(dir / "softhsm2.conf") && fs::is_directory(dir / "tokens") &&
           fs::exists(dir / kSoPinFile);
}

Result<OpenedToken> open_softhsm_token(const TokenRequest& request) {
    if (!request.softhsm_dir)
        return Error("the SoftHSM2 module needs a store folder: set [hsm] softhsm_dir in the profile");
    std::error_code ec;
    const fs::path dir = fs::absolute(*request.softhsm_dir, ec);
    if (ec) return Error("cannot resolve " + request.softhsm_dir->string() + ": " + ec.message());

    // Read a PIN the user chose before touching the store, so a missing PIN leaves nothing behind.
    std::optional<hsm::Pin> user_pin;
    if (request.pin) {
        HNBSEC_TRY(hsm::Pin pin, request.pin->read());
        user_pin.emplace(std::move(pin));
    }

    if (request.recreate && fs::exists(dir)) {
        if (!is_our_store(dir))
            return Error(dir.string() +
                         " exists but is not a SoftHSM2 store made by hnbsec (no softhsm2.conf, tokens/ and "
                         "so.pin); refusing to delete it. Choose another [hsm] softhsm_dir.");
        fs::remove_all(dir, ec);
        if (ec) return Error("cannot remove the old token store " + dir.string() + ": " + ec.message());
    }

    // Creating or opening the store points SOFTHSM2_CONF at it before the module loads.
    const bool fresh = !fs::exists(dir / "softhsm2.conf");
    if (fresh) {
        HNBSEC_CHECK(hsm::SoftHsmStore::create(dir));
        HNBSEC_CHECK(write_random_pin(dir / kSoPinFile));
        if (!user_pin) HNBSEC_CHECK(write_random_pin(dir / kUserPinFile));
    } else {
        HNBSEC_CHECK(hsm::SoftHsmStore::open(dir));
    }
    if (!user_pin) {
        const fs::path generated = dir / kUserPinFile;
        if (!fs::exists(generated))
            return Error(
                "no PIN for the token: set [hsm] pin_file or pin_env, pass --pin-file/--pin-env, or "
                "run 'hnbsec pki init --force' to start a new store with a generated PIN");
        HNBSEC_TRY(hsm::Pin pin, hsm::PinSource::file(generated).read());
        user_pin.emplace(std::move(pin));
    }

    HNBSEC_TRY(auto module, hsm::Pkcs11Module::load(request.module.string()));
    HNBSEC_TRY(auto labels, hsm::Token::labels(*module));
    if (std::find(labels.begin(), labels.end(), request.label) != labels.end()) {
        HNBSEC_TRY(auto token, hsm::Token::open(module, request.label, *user_pin));
        return OpenedToken{std::move(token), user_pin->origin(), dir, false};
    }
    HNBSEC_TRY(hsm::Pin so_pin, hsm::PinSource::file(dir / kSoPinFile).read());
    HNBSEC_TRY(auto token, hsm::Token::init_new(module, request.label, so_pin, *user_pin));
    return OpenedToken{std::move(token), user_pin->origin(), dir, true};
}

}  // namespace

bool is_softhsm_module(const fs::path& module) {
    return module.filename().string().find("softhsm") != std::string::npos;
}

Result<OpenedToken> open_token(const TokenRequest& request) {
    if (is_softhsm_module(request.module)) {
        auto opened = open_softhsm_token(request);
        if (!opened.ok())
            return std::move(opened).error().context("setting up SoftHSM2 token '" + request.label + "'");
        return opened;
    }
    if (!request.pin)
        return Error(
            "token '" + request.label + "' in module " + request.module.string() +
            " needs a PIN: set [hsm] pin_file or pin_env in the profile, or pass --pin-file/--pin-env");
    HNBSEC_TRY(hsm::Pin pin, request.pin->read());
    HNBSEC_TRY(auto module, hsm::Pkcs11Module::load(request.module.string()));
    HNBSEC_TRY(auto token, hsm::Token::open(module, request.label, pin));
    return OpenedToken{std::move(token), pin.origin(), std::nullopt, false};
}

}  // namespace hnbsec::lab
