// import.meta.env, the way Vite gives it to apps and libraries: MODE ("development"), DEV, PROD,
// SSR, BASE_URL, and every VITE_* variable from the app root's env files and from the server's
// environment, replaced at build time (esbuild defines).
//
// Files, later ones winning: .env, .env.local, .env.development, .env.development.local; a
// VITE_* variable in the environment wins over all of them (Vite's loadEnv). Only VITE_* names
// are taken from the files, so a secret in .env never reaches the browser. Unlike Vite, `$VAR`
// expansion is not done. The pipeline reads the files at every recompile (four small reads): a
// change rebuilds every module, since the values are built into them, and reloads the page.
//
// The dotenv format is parsed here by hand: Debian packages no C++ dotenv library.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace hr::orch {

struct AppEnv {
  std::map<std::string, std::string> file_texts;  // env file name -> its text; absent files: none
  std::map<std::string, std::string> vars;        // the VITE_* variables, precedence applied
  std::vector<std::string> warnings;              // "file:line: why", for lines not understood
};

// The env files of Vite's development mode, in the order they are applied.
const std::vector<std::string>& env_file_names();

// Reads the env files under `root`; `environment` is the server's own (VITE_* names are kept).
AppEnv load_app_env(const std::filesystem::path& root,
                    const std::map<std::string, std::string>& environment);

// The server process's VITE_* environment variables.
std::map<std::string, std::string> vite_environment();

// One dotenv file's variables: KEY=value lines, `export ` and `#` comments allowed, values
// single-, double- or backtick-quoted (double quotes expand \n), or bare (trimmed, up to a #).
std::map<std::string, std::string> parse_dotenv(const std::string& text, const std::string& file,
                                                std::vector<std::string>& warnings);

// The esbuild --define flags for app modules: import.meta.env as a whole and each key.
std::vector<std::string> env_define_flags(const AppEnv& env);

// The env files whose text differs between `before` and `after` (added or removed included).
std::vector<std::string> changed_env_files(const AppEnv& before, const AppEnv& after);

}  // namespace hr::orch
