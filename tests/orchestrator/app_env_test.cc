// import.meta.env (app_env.h): the dotenv format, Vite's file precedence, and the defines esbuild
// gets.
#include "orchestrator/app_env.h"

#include <algorithm>

#include "tests/hr_catch.h"
#include "tests/temp_dir.h"

using namespace hr::orch;

TEST_CASE("dotenv lines: export, comments, quotes, escapes; a bad line is a warning naming it") {
  std::vector<std::string> warnings;
  const auto vars = parse_dotenv(
      "# a comment\n"
      "VITE_A=plain value  # trailing comment\n"
      "export VITE_B = 'single # kept'\n"
      "VITE_C=\"two\\nlines\"\n"
      "VITE_D=`back`\n"
      "VITE_EMPTY=\n"
      "not a line\n"
      "VITE_OPEN=\"unclosed\n",
      ".env", warnings);
  CHECK(vars.at("VITE_A") == "plain value");
  CHECK(vars.at("VITE_B") == "single # kept");
  CHECK(vars.at("VITE_C") == "two\nlines");
  CHECK(vars.at("VITE_D") == "back");
  CHECK(vars.at("VITE_EMPTY") == "");
  CHECK(vars.size() == 5);
  REQUIRE(warnings.size() == 2);
  CHECK_THAT(warnings[0], Catch::StartsWith(".env:7: "));
  CHECK_THAT(warnings[1], Catch::StartsWith(".env:8: "));
}

TEST_CASE("later env files win, the environment wins over files, only VITE_ names are taken") {
  hr::test::TempDir dir;
  dir.write(".env", "VITE_ALL=env\nVITE_LOCAL=env\nVITE_MODE=env\nVITE_ML=env\nSECRET=x\n");
  dir.write(".env.local", "VITE_LOCAL=local\nVITE_MODE=local\nVITE_ML=local\n");
  dir.write(".env.development", "VITE_MODE=development\nVITE_ML=development\n");
  dir.write(".env.development.local", "VITE_ML=development.local\nVITE_FROM_ENV=file\n");
  const AppEnv env = load_app_env(dir.path(), {{"VITE_FROM_ENV", "environment"}, {"HOME", "/h"}});
  CHECK(env.vars == std::map<std::string, std::string>{{"VITE_ALL", "env"},
                                                       {"VITE_LOCAL", "local"},
                                                       {"VITE_MODE", "development"},
                                                       {"VITE_ML", "development.local"},
                                                       {"VITE_FROM_ENV", "environment"}});
  CHECK(env.file_texts.size() == 4);
}

TEST_CASE("the defines give import.meta.env as a whole and key by key, values as JSON") {
  AppEnv env;
  env.vars = {{"VITE_TITLE", "say \"hi\""}, {"VITE_ODD-NAME", "x"}};
  const auto flags = env_define_flags(env);
  auto has = [&](const std::string& f) {
    return std::find(flags.begin(), flags.end(), f) != flags.end();
  };
  CHECK(has("--define:import.meta.env.MODE=\"development\""));
  CHECK(has("--define:import.meta.env.DEV=true"));
  CHECK(has("--define:import.meta.env.PROD=false"));
  CHECK(has("--define:import.meta.env.SSR=false"));
  CHECK(has("--define:import.meta.env.BASE_URL=\"/\""));
  CHECK(has("--define:import.meta.env.VITE_TITLE=\"say \\\"hi\\\"\""));
  // Not a property name esbuild can define on its own, but still in the object.
  CHECK(std::none_of(flags.begin(), flags.end(), [](const std::string& f) {
    return f.find("import.meta.env.VITE_ODD") != std::string::npos;
  }));
  CHECK_THAT(flags.back(), Catch::StartsWith("--define:import.meta.env={"));
  CHECK_THAT(flags.back(), Catch::Contains("\"VITE_ODD-NAME\":\"x\""));
}

TEST_CASE("changed env files: edited, added and removed ones, in precedence order") {
  AppEnv a, b;
  a.file_texts = {{".env", "A=1"}, {".env.local", "B=1"}};
  b.file_texts = {{".env", "A=2"}, {".env.development", "C=1"}};
  CHECK(changed_env_files(a, b) ==
        std::vector<std::string>{".env", ".env.local", ".env.development"});
  CHECK(changed_env_files(a, a).empty());
}
