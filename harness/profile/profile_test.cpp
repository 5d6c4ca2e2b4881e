// The shipped profiles load cleanly, values and defaults come out typed, and
// paths resolve as documented.
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/profile/digest.h"
#include "harness/profile/load.h"
#include "harness/profile/profile_test_support.h"

namespace hnbsec::profile {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace testing_support;

std::filesystem::path profiles_dir() {
    return std::filesystem::path(HNBSEC_SOURCE_DIR) / "fixtures" / "profiles";
}

TEST(ShippedProfiles, EmulatedLoadsWithoutProblemsOrWarnings) {
    const auto loaded = load_profile(profiles_dir() / "emulated.toml");
    EXPECT_THAT(loaded.problems, IsEmpty());
    EXPECT_THAT(loaded.warnings, IsEmpty());
    ASSERT_TRUE(loaded.ok());
    const auto& profile = *loaded.profile;
    EXPECT_EQ(profile.campaign.name, "emulated");
    EXPECT_EQ(profile.campaign.release, Release::kRel15);
    EXPECT_EQ(profile.dut.kind, DutKind::kEmulated);
    EXPECT_EQ(profile.dut.identity, "00A0C9000001.hnb.lab.test");
    ASSERT_TRUE(profile.dut.outer_address);
    EXPECT_EQ(profile.dut.outer_address->text, "192.168.77.2");
    EXPECT_THAT(
        profile.pics.declared(),
        ElementsAre("P.HENB", "P.HPM", "P.HPAUTH", "P.OCSP_INBAND", "P.CRL", "P.HEMS_PUBLIC", "P.HEMS_INNER",
                    "P.TLS_INNER", "P.TIME_INNER", "P.NATT", "P.ECDSA", "P.SIGAUTH_7427", "P.IKE_FRAG"));
    EXPECT_EQ(profile.pixit.segw_fqdn, "segw.lab.test");
    EXPECT_EQ(profile.pixit.inner_pool.text, "10.77.0.0/24");
    ASSERT_TRUE(profile.pixit.hems_serving_url);
    EXPECT_EQ(profile.pixit.hems_serving_url->host, "10.78.0.10");
    EXPECT_EQ(profile.pixit.hems_serving_url->port, 7547);
    EXPECT_THAT(profile.pixit.trust_anchors, ElementsAre("operator-root-ca"));
    EXPECT_THAT(profile.pki.flavours, ElementsAre(KeyFlavour::kRsa2048, KeyFlavour::kP256));
    EXPECT_EQ(profile.pki.dir, "hnbsec-out/pki");
    EXPECT_EQ(profile.hsm.module, "/usr/lib/softhsm/libsofthsm2.so");
    EXPECT_EQ(profile.hsm.softhsm_dir, std::filesystem::path("hnbsec-out/token"));
    EXPECT_FALSE(profile.hsm.pin_env);  // the emulator's token gets a generated PIN
    EXPECT_FALSE(profile.hsm.pin_file);
    EXPECT_EQ(profile.digest.size(), 64U);
    EXPECT_EQ(profile.source, profiles_dir() / "emulated.toml");
}

TEST(ShippedProfiles, LabExampleLoadsWithoutProblemsOrWarnings) {
    const auto path = profiles_dir() / "lab-example.toml";
    const auto loaded = load_profile(path);
    EXPECT_THAT(loaded.problems, IsEmpty());
    EXPECT_THAT(loaded.warnings, IsEmpty());
    ASSERT_TRUE(loaded.ok());
    const auto& profile = *loaded.profile;
    EXPECT_EQ(profile.dut.kind, DutKind::kExternal);
    EXPECT_EQ(profile.dut.interface, "enp3s0");
    EXPECT_TRUE(profile.pics.has("P.HNB"));
    EXPECT_FALSE(profile.pics.has("P.HENB"));
    EXPECT_THAT(profile.pki.flavours, ElementsAre(KeyFlavour::kRsa2048));
    EXPECT_EQ(profile.hsm.pin_file, profiles_dir() / "secrets/token.pin");
    EXPECT_EQ(profile.pixit.hooks.hpm_remove, (profiles_dir() / "hooks/sim-mux.sh").string() + " detach");
    EXPECT_EQ(profile.pixit.hooks.timeout, std::chrono::seconds(180));
}

TEST(LoadProfile, MissingFileIsOneProblemWithoutLine) {
    const auto loaded = load_profile(profiles_dir() / "no-such-profile.toml");
    ASSERT_FALSE(loaded.ok());
    ASSERT_EQ(loaded.problems.size(), 1U);
    EXPECT_EQ(loaded.problems[0].line, 0);
    EXPECT_THAT(
        format_problem(loaded.problems[0]),
        ::testing::EndsWith("no-such-profile.toml: cannot read the profile: No such file or directory"));
}

TEST(LoadProfile, FolderIsRejected) {
    const auto loaded = load_profile(profiles_dir());
    ASSERT_FALSE(loaded.ok());
    EXPECT_THAT(loaded.problems, ElementsAre(ProblemSaying("it is a folder")));
}

TEST(FormatProblem, ReadsLikeACompilerDiagnostic) {
    EXPECT_EQ(format_problem({"lab.toml", 12, 3, "dut.eui: bad"}), "lab.toml:12:3: dut.eui: bad");
    EXPECT_EQ(format_problem({"lab.toml", 0, 0, "cannot read"}), "lab.toml: cannot read");
}

TEST(ParseProfile, MinimalProfileGetsDocumentedDefaults) {
    const auto loaded = parse_profile(kMinimal, "some/where/night-run.toml");
    EXPECT_THAT(loaded.problems, IsEmpty());
    ASSERT_TRUE(loaded.ok());
    const auto& profile = *loaded.profile;
    EXPECT_EQ(profile.campaign.name, "night-run");
    EXPECT_EQ(profile.campaign.release, Release::kRel15);
    EXPECT_FALSE(profile.dut.outer_address);
    EXPECT_FALSE(profile.dut.interface);
    EXPECT_FALSE(profile.pixit.segw_address);
    EXPECT_THAT(profile.pixit.trust_anchors, ElementsAre("operator-root-ca"));
    EXPECT_EQ(profile.pixit.max_boot_to_ike, std::chrono::seconds(300));
    EXPECT_EQ(profile.pixit.max_hpm_reaction, std::chrono::seconds(30));
    EXPECT_EQ(profile.pixit.hooks.timeout, std::chrono::seconds(120));
    EXPECT_FALSE(profile.pixit.hooks.power_cycle);
    EXPECT_EQ(profile.pki.dir, "hnbsec-out/pki");
    EXPECT_THAT(profile.pki.flavours, ElementsAre(KeyFlavour::kRsa2048));  // no P.ECDSA
    EXPECT_EQ(profile.pki.validity_days, 365);
    EXPECT_FALSE(profile.pki.segw_key_on_token);
    EXPECT_EQ(profile.hsm.module, "/usr/lib/softhsm/libsofthsm2.so");
    EXPECT_EQ(profile.hsm.token_label, "hnbsec-device");
    EXPECT_EQ(profile.hsm.softhsm_dir, std::filesystem::path("hnbsec-out/token"));
    EXPECT_FALSE(profile.hsm.pin_file);
    EXPECT_FALSE(profile.hsm.pin_env);
}

TEST(ParseProfile, DefaultFlavoursFollowEcdsa) {
    const auto loaded = parse(inserted_after(kMinimal, "[pics]", "P.ECDSA = true\n"));
    ASSERT_TRUE(loaded.ok());
    EXPECT_THAT(loaded.profile->pki.flavours, ElementsAre(KeyFlavour::kRsa2048, KeyFlavour::kP256));
}

TEST(ParseProfile, DigestIsSha256OfTheBytes) {
    const auto a = parse(kMinimal);
    const auto b = parse(std::string(kMinimal) + "# a comment changes the bytes\n");
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_NE(a.profile->digest, b.profile->digest);
    EXPECT_EQ(a.profile->digest, parse(kMinimal).profile->digest);
    // FIPS 180-2 test vector.
    EXPECT_EQ(detail::sha256_hex("abc").value(),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ParseProfile, QuotedAndDottedPicsSpellingsAgree) {
    const auto dotted = parse(inserted_after(kMinimal, "[pics]", "P.HPM = true\n"));
    const auto quoted = parse(inserted_after(kMinimal, "[pics]", "\"P.HPM\" = true\n"));
    // [pics.P] cannot reopen a table made by dotted keys (TOML 1.0), so it replaces them.
    const auto table = parse(replaced(kMinimal, "[pics]\nP.HENB = true\nP.HEMS_PUBLIC = true\n",
                                      "[pics.P]\nHENB = true\nHEMS_PUBLIC = true\nNATT = true\n"));
    ASSERT_TRUE(dotted.ok() && quoted.ok() && table.ok()) << ::testing::PrintToString(table.problems);
    EXPECT_TRUE(dotted.profile->pics.has("P.HPM"));
    EXPECT_TRUE(quoted.profile->pics.has("P.HPM"));
    EXPECT_TRUE(table.profile->pics.has("P.NATT"));
    EXPECT_FALSE(table.profile->pics.has("P.HPM"));
}

TEST(ProfilePaths, RelativePathsStayRelativeToTheWorkingDirectory) {
    const auto loaded = parse(std::string(kMinimal) + "[pki]\ndir = \"out/pki\"\n");
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(loaded.profile->pki.dir, "out/pki");
}

TEST(ProfilePaths, LeadingProfileDirExpandsToTheProfileFolder) {
    const auto text = std::string(kMinimal) +
                      "[pki]\ndir = \"${profile_dir}/pki\"\n[hsm]\nsofthsm_dir = \"${profile_dir}\"\n"
                      "pin_file = \"${profile_dir}/../secrets/pin\"\n";
    const auto loaded = parse_profile(text, "labs/acme/profile.toml");
    ASSERT_TRUE(loaded.ok()) << ::testing::PrintToString(loaded.problems);
    EXPECT_EQ(loaded.profile->pki.dir, "labs/acme/pki");
    EXPECT_EQ(loaded.profile->hsm.softhsm_dir, std::filesystem::path("labs/acme"));
    EXPECT_EQ(loaded.profile->hsm.pin_file, std::filesystem::path("labs/acme/../secrets/pin"));

    const auto bare =
        parse_profile(std::string(kMinimal) + "[pki]\ndir = \"${profile_dir}/pki\"\n", "p.toml");
    ASSERT_TRUE(bare.ok());
    EXPECT_EQ(bare.profile->pki.dir, "./pki");
}

TEST(ProfilePaths, OtherExpansionsAreRejected) {
    const auto text = std::string(kMinimal) +
                      "[pki]\ndir = \"~/pki\"\n[hsm]\nsofthsm_dir = \"${HOME}/token\"\n"
                      "pin_file = \"${profile_dir}pin\"\n";
    const auto loaded = parse(text);
    EXPECT_THAT(
        loaded.problems,
        ElementsAre(ProblemAt(line_of(text, "dir = "), "pki.dir: '~' is not expanded"),
                    ProblemAt(line_of(text, "softhsm_dir"), "only a leading ${profile_dir} is expanded"),
                    ProblemAt(line_of(text, "pin_file"), "must be followed by '/'")));
}

TEST(ProfilePaths, HookCommandsExpandOnlyALeadingProfileDir) {
    const auto text = std::string(kMinimal) +
                      "[pixit.hooks]\npower_cycle = \"${profile_dir}/pdu.sh ${OUTLET}\"\n"
                      "factory_reset = \"echo ${profile_dir}\"\n";
    const auto ok = parse_profile(text, "my lab/p.toml");
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok.profile->pixit.hooks.power_cycle, "'my lab'/pdu.sh ${OUTLET}");
    EXPECT_EQ(ok.profile->pixit.hooks.factory_reset, "echo ${profile_dir}");
}

TEST(Pics, CatalogueHasEveryDocumentedName) {
    EXPECT_EQ(pics_catalogue().size(), Pics::kNames);
    for (const auto* name :
         {"P.HPM",         "P.HPAUTH",     "P.OCSP_INBAND", "P.OCSP_DIRECT", "P.CRL",
          "P.HEMS_PUBLIC", "P.HEMS_INNER", "P.TLS_INNER",   "P.TIME_INNER",  "P.TIME_OUTER_SECURE",
          "P.NATT",        "P.IPV6_INNER", "P.IPV6_OUTER",  "P.ECDSA",       "P.SIGAUTH_7427",
          "P.IKE_FRAG",    "P.LOC_IP",     "P.LOC_MACRO",   "P.LOC_GNSS",    "P.NONCSG_ACL",
          "P.LIPA",        "P.X2_DIRECT",  "P.CERT_ENROLL", "P.IPSEC_OFF",   "P.HNB",
          "P.HENB"}) {
        EXPECT_TRUE(is_pics_name(name)) << name;
    }
    EXPECT_FALSE(is_pics_name("P.hpm"));
}

TEST(Pics, HasAndDeclaredFollowSet) {
    Pics pics;
    pics.set("P.NATT", true);
    pics.set("P.HNB", true);
    pics.set("P.ECDSA", false);
    EXPECT_TRUE(pics.has("P.NATT"));
    EXPECT_FALSE(pics.has("P.ECDSA"));
    EXPECT_FALSE(pics.has("P.CRL"));
    EXPECT_THAT(pics.declared(), ElementsAre("P.HNB", "P.NATT"));
}

}  // namespace
}  // namespace hnbsec::profile
