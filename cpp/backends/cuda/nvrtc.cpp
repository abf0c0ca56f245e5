#include "nvrtc.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <type_traits>
#include <mutex>
#include <stdexcept>

namespace gpustark {
namespace cuda {

// NVRTC's C API (nvrtc.h, stable since CUDA 7), declared here so that building needs no NVRTC
// headers: results are an enum (0 is success), programs an opaque pointer.
struct Nvrtc::Api {
    using Program = void*;
    int (*version)(int*, int*);
    int (*create)(Program*, const char*, const char*, int, const char* const*, const char* const*);
    int (*compile)(Program, int, const char* const*);
    int (*log_size)(Program, size_t*);
    int (*log)(Program, char*);
    int (*cubin_size)(Program, size_t*);
    int (*cubin)(Program, char*);
    int (*destroy)(Program*);
    const char* (*error_string)(int);
};

namespace {

std::string g_why;

// The library's entry points, or false when `handle` lacks one.
bool bind(void* handle, Nvrtc::Api& api) {
    auto symbol = [&](auto& fn, const char* name) {
        fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(handle, name));
        return fn != nullptr;
    };
    return symbol(api.version, "nvrtcVersion") && symbol(api.create, "nvrtcCreateProgram") &&
           symbol(api.compile, "nvrtcCompileProgram") && symbol(api.log_size, "nvrtcGetProgramLogSize") &&
           symbol(api.log, "nvrtcGetProgramLog") && symbol(api.cubin_size, "nvrtcGetCUBINSize") &&
           symbol(api.cubin, "nvrtcGetCUBIN") && symbol(api.destroy, "nvrtcDestroyProgram") &&
           symbol(api.error_string, "nvrtcGetErrorString");
}

// NVRTC opens its builtins library (libnvrtc-builtins.so.<version>) by name when it compiles, so
// one beside a libnvrtc that is not on the loader's path (a pip wheel's, $GPUSTARK_NVRTC) would not
// be found: load it first from libnvrtc's own directory, and NVRTC's open finds it by its soname.
void preload_builtins(void* nvrtc_symbol) {
    Dl_info info{};
    if (!dladdr(nvrtc_symbol, &info) || !info.dli_fname) return;
    std::error_code error;
    const std::filesystem::path dir = std::filesystem::path(info.dli_fname).parent_path();
    for (std::filesystem::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
        const std::string name = it->path().filename().string();
        if (name.rfind("libnvrtc-builtins.so", 0) == 0) dlopen(it->path().c_str(), RTLD_NOW | RTLD_GLOBAL);
    }
}

const Nvrtc::Api* load() {
    std::vector<std::string> names;
    if (const char* path = std::getenv("GPUSTARK_NVRTC"); path && *path) {
        names.push_back(path);
    } else {
        for (const char* so : {"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"}) names.push_back(so);
        for (const char* env : {"CUDA_HOME", "CUDA_PATH"})
            if (const char* dir = std::getenv(env); dir && *dir) names.push_back(std::string(dir) + "/lib64/libnvrtc.so");
        names.push_back("/usr/local/cuda/lib64/libnvrtc.so");
    }
    std::string tried;
    for (const std::string& name : names) {
        void* handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            tried += (tried.empty() ? "" : ", ") + name;
            continue;
        }
        static Nvrtc::Api api;
        if (bind(handle, api)) {
            preload_builtins(reinterpret_cast<void*>(api.version));
            return &api;
        }
        tried += (tried.empty() ? "" : ", ") + name + " (not NVRTC)";
        dlclose(handle);
    }
    g_why = "NVRTC not found (tried " + tried + "; set GPUSTARK_NVRTC to libnvrtc's path)";
    return nullptr;
}

}  // namespace

const Nvrtc* Nvrtc::get() {
    static std::once_flag once;
    static const Nvrtc* nvrtc = nullptr;
    std::call_once(once, [] {
        if (const Api* api = load()) nvrtc = new Nvrtc(api);
    });
    return nvrtc;
}

std::string Nvrtc::why() {
    get();
    return g_why;
}

std::string Nvrtc::version() const {
    int major = 0, minor = 0;
    api_->version(&major, &minor);
    return std::to_string(major) + "." + std::to_string(minor);
}

std::vector<char> Nvrtc::compile_cubin(const std::string& source, const std::string& name,
                                       const std::vector<std::string>& options) const {
    Api::Program program = nullptr;
    auto check = [&](int result, const char* what) {
        if (result != 0) throw std::runtime_error(std::string("NVRTC ") + what + ": " + api_->error_string(result));
    };
    check(api_->create(&program, source.c_str(), name.c_str(), 0, nullptr, nullptr), "nvrtcCreateProgram");
    struct Destroy {
        const Api* api;
        Api::Program* program;
        ~Destroy() { api->destroy(program); }
    } destroy{api_, &program};
    std::vector<const char*> argv;
    for (const std::string& o : options) argv.push_back(o.c_str());
    const int compiled = api_->compile(program, int(argv.size()), argv.data());
    if (compiled != 0) {
        size_t size = 0;
        api_->log_size(program, &size);
        std::string log(size, '\0');
        if (size) api_->log(program, log.data());
        throw std::runtime_error("NVRTC could not compile " + name + " (" + api_->error_string(compiled) + "):\n" +
                                 log.substr(0, 4000));
    }
    size_t size = 0;
    check(api_->cubin_size(program, &size), "nvrtcGetCUBINSize");
    std::vector<char> cubin(size);
    check(api_->cubin(program, cubin.data()), "nvrtcGetCUBIN");
    return cubin;
}

}  // namespace cuda
}  // namespace gpustark
