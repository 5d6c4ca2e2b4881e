#pragma once
// The OpenSSL handles the SeGW checks use, from the project's one set (proto/ossl).

#include "proto/ossl/handles.h"

namespace hnbsec::emulator {

template <auto FreeFn>
using OsslFree = ossl::Free<FreeFn>;

using ossl::BioPtr;
using ossl::OcspBasicPtr;
using ossl::OcspCertIdPtr;
using ossl::OcspResponsePtr;
using ossl::X509Ptr;
using ossl::X509StackPtr;
using ossl::X509StoreCtxPtr;
using ossl::X509StorePtr;

}  // namespace hnbsec::emulator
