#include "hsm/pkcs11_module.h"

#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

#include <dlfcn.h>

#include "hsm/ckr_names.h"
#include "hsm/softhsm_store.h"

namespace hnbsec::hsm {
namespace {

// One C_Initialize per library per process, however many Pkcs11Module objects
// (or libp11 contexts, which share the same dlopen'd library) use it.
struct Initialisation {
    int users = 0;
    bool finalize_when_unused = false;  // false if someone outside hnbsec initialised it
    std::string softhsm_conf;           // SOFTHSM2_CONF seen by C_Initialize
    // Run when the last user goes, before C_Finalize: with several Pkcs11Module
    // objects sharing the library, a libp11 slot release (C_CloseAllSessions)
    // must wait for all of them, not just the one the bridge was opened on.
    std::vector<std::function<void()>> before_finalize;
};

std::mutex& registry_mutex() {
    static std::mutex mutex;
    return mutex;
}

std::map<CK_FUNCTION_LIST*, Initialisation>& registry() {
    static std::map<CK_FUNCTION_LIST*, Initialisation> initialisations;
    return initialisations;
}

std::string current_softhsm_conf() {
    const char* value = std::getenv(SoftHsmStore::kConfEnvironmentVariable);
    return value != nullptr ? value : "";
}

Status acquire_initialisation(CK_FUNCTION_LIST* functions, const std::string& path) {
    std::lock_guard lock(registry_mutex());
    Initialisation& init = registry()[functions];
    const std::string conf = current_softhsm_conf();
    if (init.users > 0) {
        // SoftHSM2 reads SOFTHSM2_CONF only in C_Initialize; a second store
        // activated later would silently not be used.
        if (conf != init.softhsm_conf) {
            return Error("PKCS#11 module " + path +
                         " is already initialised in this process with SOFTHSM2_CONF=" + init.softhsm_conf +
                         "; release every Token and Pkcs11Module of that store before " +
                         "loading the module for SOFTHSM2_CONF=" + conf);
        }
        ++init.users;
        return Ok{};
    }

    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;  // hnbsec may sign from several threads
    CK_RV rv = functions->C_Initialize(&args);
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        registry().erase(functions);
        return pkcs11_error("C_Initialize of " + path, rv,
                            "for SoftHSM2, check that SOFTHSM2_CONF (" + (conf.empty() ? "unset" : conf) +
                                ") names a readable softhsm2.conf whose token directory exists");
    }
    init.users = 1;
    init.finalize_when_unused = (rv == CKR_OK);
    init.softhsm_conf = conf;
    return Ok{};
}

void release_initialisation(CK_FUNCTION_LIST* functions) {
    std::lock_guard lock(registry_mutex());
    auto it = registry().find(functions);
    if (it == registry().end() || --it->second.users > 0) return;
    auto& cleanups = it->second.before_finalize;
    for (auto cleanup = cleanups.rbegin(); cleanup != cleanups.rend(); ++cleanup) (*cleanup)();
    if (it->second.finalize_when_unused) functions->C_Finalize(nullptr);
    registry().erase(it);
}

std::string trimmed(const unsigned char* text, std::size_t size) {
    std::string value(reinterpret_cast<const char*>(text), size);
    value.erase(value.find_last_not_of(' ') + 1);
    return value;
}

}  // namespace

Pkcs11Module::Pkcs11Module(std::string path, void* library, CK_FUNCTION_LIST* functions)
    : path_(std::move(path)), library_(library), functions_(functions) {}

Result<std::shared_ptr<Pkcs11Module>> Pkcs11Module::load(const std::string& path) {
    // RTLD_LOCAL keeps the module's symbols out of the global namespace;
    // libp11 opens the same file and gets the same library instance.
    void* library = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        const char* reason = ::dlerror();
        return Error("PKCS#11 module " + path +
                     " could not be loaded: " + (reason ? reason : "unknown dlopen error") +
                     ". Install softhsm2 (ci/install-deps) or set [hsm] module in the profile.");
    }
    void* symbol = ::dlsym(library, "C_GetFunctionList");
    if (symbol == nullptr) {
        ::dlclose(library);
        return Error("PKCS#11 module " + path + " has no C_GetFunctionList; it is not a PKCS#11 module");
    }
    CK_C_GetFunctionList get_function_list = nullptr;
    static_assert(sizeof get_function_list == sizeof symbol);
    std::memcpy(&get_function_list, &symbol, sizeof symbol);  // POSIX: object pointer -> function pointer

    CK_FUNCTION_LIST* functions = nullptr;
    CK_RV rv = get_function_list(&functions);
    if (rv != CKR_OK || functions == nullptr) {
        ::dlclose(library);
        return pkcs11_error("C_GetFunctionList of " + path, rv);
    }
    if (Status initialised = acquire_initialisation(functions, path); !initialised.ok()) {
        ::dlclose(library);
        return std::move(initialised).error();
    }

    std::shared_ptr<Pkcs11Module> module(new Pkcs11Module(path, library, functions));
    CK_INFO info{};
    if (functions->C_GetInfo(&info) == CKR_OK) {
        module->description_ = trimmed(info.libraryDescription, sizeof info.libraryDescription);
    }
    return module;
}

Pkcs11Module::~Pkcs11Module() {
    release_initialisation(functions_);
    ::dlclose(library_);
}

void Pkcs11Module::run_before_finalize(std::function<void()> cleanup) {
    std::lock_guard lock(registry_mutex());
    registry()[functions_].before_finalize.push_back(std::move(cleanup));
}

Result<std::vector<CK_SLOT_ID>> Pkcs11Module::slots_with_token() const {
    CK_ULONG count = 0;
    CK_RV rv = functions_->C_GetSlotList(CK_TRUE, nullptr, &count);
    if (rv != CKR_OK) return pkcs11_error("C_GetSlotList", rv);
    std::vector<CK_SLOT_ID> slots(count);
    rv = functions_->C_GetSlotList(CK_TRUE, slots.data(), &count);
    if (rv != CKR_OK) return pkcs11_error("C_GetSlotList", rv);
    slots.resize(count);
    return slots;
}

Result<std::vector<CK_MECHANISM_TYPE>> Pkcs11Module::mechanisms(CK_SLOT_ID slot) const {
    CK_ULONG count = 0;
    CK_RV rv = functions_->C_GetMechanismList(slot, nullptr, &count);
    if (rv != CKR_OK) return pkcs11_error("C_GetMechanismList", rv);
    std::vector<CK_MECHANISM_TYPE> list(count);
    rv = functions_->C_GetMechanismList(slot, list.data(), &count);
    if (rv != CKR_OK) return pkcs11_error("C_GetMechanismList", rv);
    list.resize(count);
    return list;
}

}  // namespace hnbsec::hsm
