#include "emulator/tre/tre.h"

#include <utility>

#include "emulator/tre/image_check.h"

namespace hnbsec::emulator::tre {

Tre::Tre(TreSettings settings, KeyOpener open_key)
    : settings_(std::move(settings)), open_key_(std::move(open_key)) {}

Status Tre::check_integrity() {
    integrity_passed_ = false;
    HNBSEC_CHECK(check_image(settings_.image, settings_.image_sha256));
    integrity_passed_ = true;
    return Ok{};
}

Result<Credentials> Tre::release(bool ignore_integrity_failure) {
    if (!integrity_passed_ && !ignore_integrity_failure) {
        return Error("the TrE refuses to release the device key: the image failed its integrity check");
    }
    if (chain_.empty()) {
        auto chain = load_device_chain(settings_.device_chain);
        if (!chain) return std::move(chain).error().context("loading [certificates] device_chain");
        chain_ = std::move(chain).value();
    }
    if (!key_) {
        if (!open_key_) return Error("the TrE has no device key");
        HNBSEC_TRY(DeviceKey key, open_key_());
        key_.emplace(std::move(key));
    }
    return Credentials{key_->pkey(), chain_};
}

}  // namespace hnbsec::emulator::tre
