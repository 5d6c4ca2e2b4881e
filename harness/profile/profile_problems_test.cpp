// Broken profiles: each problem is reported precisely, at the right line, and
// every problem of a file is reported in one run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/profile/load.h"
#include "harness/profile/profile_test_support.h"

namespace hnbsec::profile {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using namespace testing_support;

TEST(ProfileProblems, MinimalProfileIsClean) {
    const auto loaded = parse(kMinimal);
    EXPECT_THAT(loaded.problems, IsEmpty());
    EXPECT_THAT(loaded.warnings, IsEmpty());
    EXPECT_TRUE(loaded.ok());
}

TEST(ProfileProblems, SyntaxErrorIsTheOnlyProblemAndHasItsPosition) {
    const auto text = replaced(kMinimal, "realm = \"hnb.lab.test\"", "realm = ");
    const auto loaded = parse(text);
    ASSERT_FALSE(loaded.ok());
    ASSERT_EQ(loaded.problems.size(), 1U);
    EXPECT_THAT(loaded.problems[0], ProblemAt(line_of(text, "realm ="), "TOML syntax error"));
    EXPECT_EQ(loaded.problems[0].file, "lab/test.toml");
    EXPECT_GT(loaded.problems[0].column, 1);
    EXPECT_THAT(format_problem(loaded.problems[0]), ::testing::StartsWith("lab/test.toml:4:"));
}

TEST(ProfileProblems, UnknownKeyGetsASuggestion) {
    const auto text = replaced(kMinimal, "segw_fqdn", "segw_fqnd");
    const auto loaded = parse(text);
    EXPECT_THAT(loaded.problems,
                ElementsAre(ProblemAt(line_of(text, "[pixit]"), "pixit.segw_fqdn: required key is missing"),
                            ProblemAt(line_of(text, "segw_fqnd"),
                                      "pixit.segw_fqnd: unknown key; did you mean 'pixit.segw_fqdn'?")));
}

TEST(ProfileProblems, UnknownKeyWithoutNeighbourListsKnownKeys) {
    const auto text = inserted_after(kMinimal, "[dut]", "colour = \"blue\"\n");
    EXPECT_THAT(
        parse(text).problems,
        ElementsAre(ProblemAt(2, "dut.colour: unknown key; known keys: eui, hp_nai, interface, kind")));
}

TEST(ProfileProblems, MisplacedKeyIsToldWhereItBelongs) {
    const auto text = inserted_after(kMinimal, "[pixit]", "hp_nai = \"0001@nai.lab.test\"\n");
    EXPECT_THAT(parse(text).problems,
                ElementsAre(ProblemAt(line_of(text, "hp_nai"),
                                      "pixit.hp_nai: unknown key; 'hp_nai' belongs in [dut]")));
}

TEST(ProfileProblems, UnknownSectionGetsASuggestion) {
    const auto text = std::string(kMinimal) + "[hms]\nmodule = \"/x.so\"\n";
    EXPECT_THAT(parse(text).problems, ElementsAre(ProblemAt(line_of(text, "[hms]"),
                                                            "[hms]: unknown section; did you mean [hsm]?")));
}

TEST(ProfileProblems, StrayTopLevelKey) {
    const auto text = "kind = \"emulated\"\n" + std::string(kMinimal);
    EXPECT_THAT(parse(text).problems,
                ElementsAre(ProblemAt(
                    1, "kind: unknown top-level key; keys belong in a section, this one in [dut]")));
}

TEST(ProfileProblems, MissingSectionPointsAtLineOne) {
    const auto text = replaced(
        kMinimal, "[dut]\nkind = \"emulated\"\neui = \"00A0C9000001\"\nrealm = \"hnb.lab.test\"\n", "");
    EXPECT_THAT(parse(text).problems, ElementsAre(ProblemAt(1, "missing section [dut]")));
}

TEST(ProfileProblems, WrongType) {
    const auto text = std::string(kMinimal) + "max_boot_to_ike_s = \"60\"\nmax_hpm_reaction_s = 2.5\n";
    EXPECT_THAT(
        parse(text).problems,
        ElementsAre(ProblemAt(line_of(text, "max_boot"),
                              "pixit.max_boot_to_ike_s: expected an integer, found string"),
                    ProblemAt(line_of(text, "max_hpm"),
                              "pixit.max_hpm_reaction_s: expected an integer, found floating-point number")));
}

TEST(ProfileProblems, SectionOfTheWrongType) {
    const auto text = "pki = \"hnbsec-out/pki\"\n" + std::string(kMinimal);
    EXPECT_THAT(parse(text).problems,
                ElementsAre(ProblemAt(1, "pki: expected a table ([pki] section), found string")));
}

TEST(ProfileProblems, BadEnumListsAllowedValuesAndSuggests) {
    const auto text = replaced(kMinimal, "\"emulated\"", "\"emulatd\"");
    EXPECT_THAT(
        parse(text).problems,
        ElementsAre(ProblemAt(2,
                              "dut.kind: 'emulatd' is not allowed; use one of \"emulated\", \"external\", "
                              "\"strongswan\" (did you mean \"emulated\"?)")));
    const auto release = "[campaign]\nrelease = \"rel-16\"\n" + std::string(kMinimal);
    EXPECT_THAT(parse(release).problems,
                ElementsAre(ProblemAt(2, "campaign.release: 'rel-16' is not allowed")));
}

TEST(ProfileProblems, BadEui) {
    for (const auto* eui :
         {"00A0C900001", "00:A0:C9:00:00:01", "00A0C9000001AB", "00A0C900000G", "0x00A0C9000001"}) {
        const auto text = replaced(kMinimal, "00A0C9000001", eui);
        EXPECT_THAT(parse(text).problems,
                    ElementsAre(ProblemAt(
                        3, "dut.eui: '" + std::string(eui) +
                               "' is not an EUI: write exactly 12 (EUI-48) or 16 (EUI-64) hex digits")))
            << eui;
    }
    const auto eui64 = parse(replaced(kMinimal, "00A0C9000001", "00a0c9fffe000001"));
    ASSERT_TRUE(eui64.ok());
    EXPECT_EQ(eui64.profile->dut.identity, "00a0c9fffe000001.hnb.lab.test");
}

TEST(ProfileProblems, BadRealm) {
    const auto text = replaced(kMinimal, "hnb.lab.test\"", "hnb..lab\"");
    EXPECT_THAT(parse(text).problems, ElementsAre(ProblemAt(4, "dut.realm: 'hnb..lab' is not a DNS name")));
}

TEST(ProfileProblems, BadCidr) {
    struct Case {
        const char* pool;
        const char* says;
    };
    for (const auto& [pool, says] : {Case{"10.77.0.0/33", "the length must be 0..32"},
                                     Case{"10.77.0.1/24", "host bits set; did you mean '10.77.0.0/24'?"},
                                     Case{"10.77.0.0", "not a CIDR prefix (expected address/length"},
                                     Case{"10.77.0/24", "is not an IPv4 or IPv6 address"},
                                     Case{"10.77.0.0/+24", "the length must be 0..32"}}) {
        const auto text = replaced(kMinimal, "10.77.0.0/24", pool);
        EXPECT_THAT(parse(text).problems, ElementsAre(ProblemAt(line_of(text, "inner_pool"), says))) << pool;
    }
}

TEST(ProfileProblems, BadAddressAndUrl) {
    const auto text =
        replaced(inserted_after(kMinimal, "[pixit]",
                                "segw_address = \"192.168.77.256\"\nocsp_url = \"ftp://ocsp.lab.test/\"\n"),
                 "https://hems.lab.test:7547/cwmp", "https://hems.lab.test:75470/cwmp");
    EXPECT_THAT(parse(text).problems,
                ElementsAre(ProblemAt(line_of(text, "segw_address"),
                                      "'192.168.77.256' is not an IPv4 or IPv6 address"),
                            ProblemAt(line_of(text, "ocsp_url"), "the scheme must be http:// or https://"),
                            ProblemAt(line_of(text, "hems_initial_url"), "the port must be 1..65535")));
}

TEST(ProfileProblems, NonPositiveTimers) {
    const auto text = std::string(kMinimal) +
                      "max_boot_to_ike_s = 0\nmax_hpm_reaction_s = -5\n[pixit.hooks]\ntimeout_s = 0\n";
    EXPECT_THAT(
        parse(text).problems,
        ElementsAre(ProblemAt(line_of(text, "max_boot"),
                              "pixit.max_boot_to_ike_s: must be between 1 and 86400, found 0"),
                    ProblemAt(line_of(text, "max_hpm"), "found -5"),
                    ProblemAt(line_of(text, "timeout_s"), "pixit.hooks.timeout_s: must be between 1")));
}

TEST(ProfileProblems, EmptyStrings) {
    const auto text = replaced(kMinimal, "\"hnb.lab.test\"", "\"\"");
    EXPECT_THAT(parse(text).problems, ElementsAre(ProblemAt(4, "dut.realm: must not be empty")));
    const auto anchors = std::string(kMinimal) + "trust_anchors = [\"operator-root-ca\", \"  \", 3]\n";
    EXPECT_THAT(
        parse(anchors).problems,
        ElementsAre(ProblemAt(line_of(anchors, "trust_anchors"), "pixit.trust_anchors[1]: must not be empty"),
                    ProblemAt(line_of(anchors, "trust_anchors"),
                              "pixit.trust_anchors[2]: expected a string, found integer")));
    const auto none = std::string(kMinimal) + "trust_anchors = []\n";
    EXPECT_THAT(parse(none).problems,
                ElementsAre(ProblemSaying("pixit.trust_anchors: must list at least one entry")));
}

TEST(ProfileProblems, PinsNeverGoInTheProfile) {
    for (const auto* key : {"pin", "so_pin", "user_pin", "userPIN", "token-pin", "password", "pin_code"}) {
        const auto text = std::string(kMinimal) + "[hsm]\ntoken_label = \"lab\"\n" + key + " = \"123456\"\n";
        const auto loaded = parse(text);
        ASSERT_THAT(loaded.problems,
                    ElementsAre(ProblemAt(line_of(text, key),
                                          std::string("hsm.") + key +
                                              ": PINs never go in the profile; use pin_file or pin_env")))
            << key;
        EXPECT_THAT(loaded.problems[0].message, Not(HasSubstr("123456")));
    }
    // Anywhere in the file, not only [hsm].
    const auto elsewhere = inserted_after(kMinimal, "[dut]", "pin = 1234\n");
    EXPECT_THAT(parse(elsewhere).problems,
                ElementsAre(ProblemAt(2, "dut.pin: PINs never go in the profile; use pin_file or pin_env")));
}

TEST(ProfileProblems, PinFileAndPinEnvAreExclusive) {
    const auto text = std::string(kMinimal) + "[hsm]\npin_file = \"secrets/pin\"\npin_env = \"LAB_PIN\"\n";
    EXPECT_THAT(
        parse(text).problems,
        ElementsAre(ProblemAt(line_of(text, "pin_env"), "set either hsm.pin_file or hsm.pin_env, not both")));
    const auto bad_env = std::string(kMinimal) + "[hsm]\npin_env = \"LAB-PIN\"\n";
    EXPECT_THAT(parse(bad_env).problems,
                ElementsAre(ProblemAt(line_of(bad_env, "pin_env"), "is not an environment variable name")));
}

TEST(ProfileProblems, HsmValues) {
    const auto text = std::string(kMinimal) + "[hsm]\ntoken_label = \"" + std::string(33, 'x') + "\"\n";
    EXPECT_THAT(parse(text).problems,
                ElementsAre(ProblemSaying("hsm.token_label: a PKCS#11 token label is at most 32 bytes")));

    const auto other_module =
        std::string(kMinimal) +
        "[hsm]\nmodule = \"/usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so\"\nsofthsm_dir = \"t\"\n";
    const auto loaded = parse(other_module);
    ASSERT_TRUE(loaded.ok());
    EXPECT_FALSE(loaded.profile->hsm.softhsm_dir);
    EXPECT_THAT(loaded.warnings, ElementsAre(ProblemSaying("hsm.softhsm_dir: ignored")));
}

TEST(ProfileProblems, PkiValues) {
    const auto text =
        std::string(kMinimal) + "[pki]\nflavours = [\"rsa2048\", \"p384\", \"rsa2048\"]\nvalidity_days = 0\n";
    EXPECT_THAT(
        parse(text).problems,
        ElementsAre(
            ProblemAt(line_of(text, "flavours"), "'p384' is not allowed; use \"rsa2048\" and/or \"p256\""),
            ProblemAt(line_of(text, "flavours"), "'rsa2048' is listed twice"),
            ProblemAt(line_of(text, "validity_days"), "pki.validity_days: must be between 1 and 36500")));
}

TEST(ProfileProblems, UnknownPicsNamesGetSuggestions) {
    const auto text = inserted_after(
        kMinimal, "[pics]", "P.HMP = true\nHPAUTH = true\n\"P.natt\" = true\nP.BOGUS_THING = true\n");
    EXPECT_THAT(parse(text).problems,
                ElementsAre(ProblemAt(7, "pics.P.HMP: unknown PICS name; did you mean P.HPM?"),
                            ProblemAt(8, "pics.HPAUTH: unknown PICS name; did you mean P.HPAUTH?"),
                            ProblemAt(9, "pics.P.natt: unknown PICS name; did you mean P.NATT?"),
                            ProblemAt(10, "pics.P.BOGUS_THING: unknown PICS name")));
}

TEST(ProfileProblems, PicsDeclaredTwiceOrNotBoolean) {
    const auto text =
        inserted_after(kMinimal, "[pics]", "P.HPM = true\n\"P.HPM\" = false\nP.NATT = \"yes\"\n");
    EXPECT_THAT(parse(text).problems,
                ElementsAre(ProblemAt(8, "pics.P.HPM: declared twice (first on line 7)"),
                            ProblemAt(9, "pics.P.NATT: expected a boolean (true or false), found string")));
    // The report names the later line whichever spelling TOML hands over first.
    const auto quoted_first = inserted_after(kMinimal, "[pics]", "\"P.HPM\" = false\nP.HPM = true\n");
    EXPECT_THAT(parse(quoted_first).problems,
                ElementsAre(ProblemAt(8, "pics.P.HPM: declared twice (first on line 7)")));
}

// Each PICS that needs a PIXIT (or dut) value, and the problem when it is absent.
struct PicsNeed {
    const char* pics;
    const char* key;
};

void PrintTo(const PicsNeed& need, std::ostream* out) {
    *out << need.pics << " -> " << need.key;
}

// "P.HEMS_PUBLIC" -> "HEMS_PUBLIC": test names stay readable and stable.
std::string pics_test_name(const ::testing::TestParamInfo<PicsNeed>& info) {
    return std::string(info.param.pics).substr(2);
}

class MissingPixit : public ::testing::TestWithParam<PicsNeed> {};

TEST_P(MissingPixit, IsReportedAtItsSection) {
    const auto [pics, key] = GetParam();
    auto text = std::string(kMinimal);
    if (std::string(pics) == "P.HEMS_PUBLIC") {  // declared by kMinimal already
        text = replaced(text, "hems_initial_url = \"https://hems.lab.test:7547/cwmp\"\n", "");
    } else {
        text = inserted_after(text, "[pics]", std::string(pics) + " = true\n");
    }
    if (std::string(pics) == "P.HPAUTH") text = inserted_after(text, "[pics]", "P.HPM = true\n");
    const std::string section = std::string(key).starts_with("dut.") ? "[dut]" : "[pixit]";
    EXPECT_THAT(parse(text).problems,
                ElementsAre(ProblemAt(line_of(text, section),
                                      std::string(key) + ": required because " + pics + " is declared")));
}

INSTANTIATE_TEST_SUITE_P(EveryPicsWithAPixit, MissingPixit,
                         ::testing::Values(PicsNeed{"P.HEMS_PUBLIC", "pixit.hems_initial_url"},
                                           PicsNeed{"P.HEMS_INNER", "pixit.hems_serving_url"},
                                           PicsNeed{"P.TIME_INNER", "pixit.time_server_inner"},
                                           PicsNeed{"P.TIME_OUTER_SECURE", "pixit.time_server_outer"},
                                           PicsNeed{"P.HPAUTH", "dut.hp_nai"},
                                           PicsNeed{"P.OCSP_DIRECT", "pixit.ocsp_url"},
                                           PicsNeed{"P.CRL", "pixit.crl_url"}),
                         pics_test_name);

TEST(ProfileProblems, MissingPixitWhenPixitSectionIsMissing) {
    const auto text = std::string(kMinimal.substr(0, kMinimal.find("[pixit]")));
    EXPECT_THAT(
        parse(text).problems,
        ElementsAre(ProblemAt(1, "missing section [pixit]"),
                    ProblemAt(1, "pixit.hems_initial_url: required because P.HEMS_PUBLIC is declared")));
}

TEST(ProfileProblems, ExternalDutNeedsItsAddressesAndInterface) {
    const auto text = replaced(kMinimal, "\"emulated\"", "\"external\"");
    const auto loaded = parse(text);
    EXPECT_THAT(loaded.problems,
                ElementsAre(ProblemAt(1, "dut.interface: required for dut.kind = \"external\""),
                            ProblemAt(1, "dut.outer_address: required for dut.kind = \"external\""),
                            ProblemAt(line_of(text, "[pixit]"),
                                      "pixit.segw_address: required for dut.kind = \"external\"")));
}

TEST(ProfileProblems, ExternalDutWithoutHooksWillPromptTheOperator) {
    auto text = replaced(kMinimal, "\"emulated\"", "\"external\"");
    text = inserted_after(text, "[dut]", "interface = \"enp3s0\"\nouter_address = \"192.168.77.2\"\n");
    text = inserted_after(text, "[pixit]", "segw_address = \"192.168.77.1\"\n");
    text = inserted_after(text, "[pics]", "P.HPM = true\n");
    text += "[pixit.hooks]\npower_cycle = \"pdu reboot 3\"\nhpm_insert = \"simmux attach\"\n";
    const auto loaded = parse(text);
    EXPECT_THAT(loaded.problems, IsEmpty());
    EXPECT_THAT(
        loaded.warnings,
        ElementsAre(ProblemAt(line_of(text, "[pixit.hooks]"),
                              "pixit.hooks: no command for factory_reset, load_tampered_image, hpm_remove; "
                              "the run will prompt the operator for these steps")));
}

TEST(ProfileProblems, HooksAreIgnoredForTheEmulatedDut) {
    const auto text = std::string(kMinimal) + "[pixit.hooks]\npower_cycle = \"true\"\n";
    const auto loaded = parse(text);
    EXPECT_TRUE(loaded.ok());
    EXPECT_THAT(loaded.warnings,
                ElementsAre(ProblemSaying("pixit.hooks: ignored for dut.kind = \"emulated\"")));
}

TEST(ProfileProblems, EveryProblemIsReportedInOneRun) {
    auto text = replaced(kMinimal, "00A0C9000001", "00A0C9");               // bad EUI
    text = replaced(text, "10.78.0.0/24", "10.78.0.0/40");                  // bad CIDR
    text = inserted_after(text, "[pics]", "P.HPAUTH = true\nP.HNB = 1\n");  // needs HPM + hp_nai; wrong type
    text = replaced(text, "segw_fqdn", "segw_fdqn");                        // unknown key + missing
    text += "[hsm]\nuser_pin = \"0000\"\n";                                 // PIN in the file
    const auto loaded = parse(text);
    EXPECT_FALSE(loaded.ok());
    EXPECT_THAT(loaded.problems,
                ElementsAre(ProblemAt(1, "dut.hp_nai: required because P.HPAUTH is declared"),
                            ProblemAt(3, "dut.eui: '00A0C9' is not an EUI"),
                            ProblemAt(7, "pics.P.HPAUTH: needs P.HPM"),
                            ProblemAt(8, "pics.P.HNB: expected a boolean (true or false), found integer"),
                            ProblemAt(12, "pixit.segw_fqdn: required key is missing"),
                            ProblemAt(13, "pixit.segw_fdqn: unknown key; did you mean 'pixit.segw_fqdn'?"),
                            ProblemAt(15, "pixit.core_network: '10.78.0.0/40' is not a CIDR prefix"),
                            ProblemAt(18, "hsm.user_pin: PINs never go in the profile")));
}

TEST(ProfileProblems, ProblemsCarryFileAndColumn) {
    const auto text = replaced(kMinimal, "kind = \"emulated\"", "  kind = 7");
    const auto loaded = parse_profile(text, "labs/x.toml");
    ASSERT_EQ(loaded.problems.size(), 1U);
    EXPECT_EQ(format_problem(loaded.problems[0]),
              "labs/x.toml:2:3: dut.kind: expected a string, found integer");
}

TEST(ProfileProblems, CaptureFilterIsCheckedByLibpcapAndSnapLengthBounded) {
    const auto text = std::string(kMinimal) + "[capture]\nfilter = \"udp port\"\nsnap_length = 20\n";
    const auto problems = parse(text).problems;
    ASSERT_EQ(problems.size(), 2U);
    EXPECT_EQ(problems[0].line, line_of(text, "filter ="));
    EXPECT_THAT(problems[0].message, HasSubstr("capture.filter: not a BPF filter libpcap accepts"));
    EXPECT_EQ(problems[1].line, line_of(text, "snap_length"));
    EXPECT_THAT(problems[1].message, HasSubstr("capture.snap_length: at least 68"));
}

TEST(ProfileProblems, CaptureSectionIsReadWithKeyExportOffByDefault) {
    const auto plain = parse(kMinimal);
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain.profile->capture.filter, "");
    EXPECT_FALSE(plain.profile->capture.export_keys);
    const auto text = std::string(kMinimal) +
                      "[capture]\nfilter = \"udp or esp\"\nsnap_length = 1500\nexport_keys = true\n";
    const auto loaded = parse(text);
    ASSERT_TRUE(loaded.ok()) << (loaded.problems.empty() ? "" : loaded.problems.front().message);
    EXPECT_EQ(loaded.profile->capture.filter, "udp or esp");
    EXPECT_EQ(loaded.profile->capture.snap_length, 1500);
    EXPECT_TRUE(loaded.profile->capture.export_keys);
}

}  // namespace
}  // namespace hnbsec::profile
