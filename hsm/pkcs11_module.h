#pragma once
// A PKCS#11 module (shared library) loaded with dlopen and initialised, used
// through its raw CK_FUNCTION_LIST so every failure carries its exact CKR code.
//
// Held by std::shared_ptr: each Token and Libp11Key keeps the module alive, so
// C_Finalize cannot run under an open session. Initialisation is counted per
// module per process (keyed by its function list): two Pkcs11Module objects of
// the same library share one C_Initialize, and C_Finalize runs when the last
// one goes. If something outside hnbsec initialised the library first
// (C_Initialize returns CKR_CRYPTOKI_ALREADY_INITIALIZED), that is success and
// hnbsec never finalizes it.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <p11-kit/pkcs11.h>

#include "core/result.h"

namespace hnbsec::hsm {

class Pkcs11Module {
public:
    // Debian's SoftHSM2 module, the default when a profile names none.
    static constexpr const char* kSoftHsmPath = "/usr/lib/softhsm/libsofthsm2.so";

    // dlopens `path`, fetches C_GetFunctionList and runs C_Initialize (with
    // CKF_OS_LOCKING_OK). For SoftHSM2, activate a SoftHsmStore first.
    static Result<std::shared_ptr<Pkcs11Module>> load(const std::string& path);

    Pkcs11Module(const Pkcs11Module&) = delete;
    Pkcs11Module& operator=(const Pkcs11Module&) = delete;
    ~Pkcs11Module();

    const std::string& path() const { return path_; }
    // CK_INFO.libraryDescription, e.g. "Implementation of PKCS11".
    const std::string& description() const { return description_; }

    // The raw function list; callers name failures with pkcs11_error().
    CK_FUNCTION_LIST& api() const { return *functions_; }

    // Slots that hold a token (C_GetSlotList(CK_TRUE)). Slot IDs are not stable
    // across C_InitToken in SoftHSM2: look tokens up by label each time.
    Result<std::vector<CK_SLOT_ID>> slots_with_token() const;

    // C_GetMechanismList of a slot.
    Result<std::vector<CK_MECHANISM_TYPE>> mechanisms(CK_SLOT_ID slot) const;

    // Runs `cleanup` when the last Pkcs11Module of this library in the process
    // goes, just before C_Finalize. The libp11 bridge defers its slot release
    // here, because libp11 calls C_CloseAllSessions, which would also close
    // the raw Token sessions on the same token (see hsm/libp11_key.h).
    void run_before_finalize(std::function<void()> cleanup);

private:
    Pkcs11Module(std::string path, void* library, CK_FUNCTION_LIST* functions);

    std::string path_;
    std::string description_;
    void* library_ = nullptr;  // dlopen handle
    CK_FUNCTION_LIST* functions_ = nullptr;
};

}  // namespace hnbsec::hsm
