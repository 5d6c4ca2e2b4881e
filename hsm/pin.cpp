#include "hsm/pin.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <openssl/crypto.h>
#include <sys/stat.h>

namespace hnbsec::hsm {
namespace {

// A PIN is a short line; anything bigger is almost certainly the wrong file.
constexpr std::size_t kMaxPinFileBytes = 4096;

// Wipes a std::string that held a PIN before it is destroyed.
struct WipeOnExit {
    std::string& text;
    ~WipeOnExit() { OPENSSL_cleanse(text.data(), text.size()); }
};

// Drops one trailing "\n" (and a "\r" before it, from editors on Windows).
std::string_view without_trailing_newline(std::string_view text) {
    if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    return text;
}

}  // namespace

Pin::Pin(std::unique_ptr<char[]> bytes, std::size_t size, std::string origin)
    : bytes_(std::move(bytes)), size_(size), origin_(std::move(origin)) {}

Pin Pin::from_secret(std::string_view secret, std::string origin) {
    auto bytes = std::make_unique<char[]>(secret.size() + 1);
    std::memcpy(bytes.get(), secret.data(), secret.size());
    bytes[secret.size()] = '\0';
    return Pin(std::move(bytes), secret.size(), std::move(origin));
}

Pin::Pin(Pin&& other) noexcept
    : bytes_(std::move(other.bytes_)), size_(other.size_), origin_(std::move(other.origin_)) {
    other.size_ = 0;
}

Pin& Pin::operator=(Pin&& other) noexcept {
    if (this != &other) {
        wipe();
        bytes_ = std::move(other.bytes_);
        size_ = other.size_;
        origin_ = std::move(other.origin_);
        other.size_ = 0;
    }
    return *this;
}

Pin::~Pin() {
    wipe();
}

void Pin::wipe() {
    // OPENSSL_cleanse, unlike memset, is not optimised away before a free.
    if (bytes_) OPENSSL_cleanse(bytes_.get(), size_ + 1);
    bytes_.reset();
    size_ = 0;
}

PinSource PinSource::file(std::filesystem::path path) {
    return PinSource(Kind::kFile, path.string());
}

PinSource PinSource::environment(std::string variable) {
    return PinSource(Kind::kEnvironment, std::move(variable));
}

std::string PinSource::describe() const {
    return kind_ == Kind::kFile ? "PIN file " + where_ : "environment variable " + where_;
}

Result<Pin> PinSource::read() const {
    if (kind_ == Kind::kEnvironment) {
        const char* value = std::getenv(where_.c_str());
        if (value == nullptr) {
            return Error("environment variable " + where_ +
                         " is not set; export it with the token PIN (PINs are never taken from the "
                         "command line)");
        }
        if (*value == '\0')
            return Error("environment variable " + where_ + " is empty; it must hold the token PIN");
        return Pin::from_secret(value, describe());
    }

    struct stat info {};
    if (::stat(where_.c_str(), &info) != 0) {
        return Error("cannot read PIN file " + where_ + ": " + std::strerror(errno) +
                     "; create it with the token PIN on one line (mode 0600)");
    }
    if (!S_ISREG(info.st_mode)) return Error("PIN file " + where_ + " is not a regular file");
    if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        return Error("PIN file " + where_ +
                     " is writable by group or others, so someone else could replace the PIN; "
                     "run chmod 600 on it");
    }
    if (static_cast<std::size_t>(info.st_size) > kMaxPinFileBytes) {
        return Error("PIN file " + where_ + " is larger than 4 KiB; it should hold only the PIN on one line");
    }

    std::ifstream in(where_, std::ios::binary);
    if (!in) return Error("cannot open PIN file " + where_ + ": " + std::strerror(errno));
    // Read into a buffer sized once, so no reallocation leaves PIN bytes behind.
    std::string content(static_cast<std::size_t>(info.st_size), '\0');
    WipeOnExit wipe_content{content};
    in.read(content.data(), static_cast<std::streamsize>(content.size()));
    content.resize(static_cast<std::size_t>(in.gcount()));
    std::string_view pin = without_trailing_newline(content);
    if (pin.empty()) return Error("PIN file " + where_ + " is empty; write the token PIN on one line");
    if (pin.find('\n') != std::string_view::npos) {
        return Error("PIN file " + where_ + " has more than one line; it should hold only the PIN");
    }
    return Pin::from_secret(pin, describe());
}

}  // namespace hnbsec::hsm
