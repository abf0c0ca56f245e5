#include <mutex>
#include <stdexcept>

#include "backend.h"

namespace gpustark {
namespace {

struct Registry {
    std::mutex mutex;
    std::map<std::string, BackendFactory> factories;
    std::map<std::string, std::unique_ptr<Backend>> instances;
    std::map<std::string, std::string> failures;  // why a registered backend could not start
};

Registry& registry() {
    static Registry r;
    return r;
}

}  // namespace

void register_backend(const std::string& name, BackendFactory factory) {
    std::lock_guard<std::mutex> lock(registry().mutex);
    registry().factories[name] = std::move(factory);
}

static Backend* try_create(Registry& r, const std::string& name) {
    auto found = r.instances.find(name);
    if (found != r.instances.end()) return found->second.get();
    if (r.failures.count(name)) return nullptr;
    auto factory = r.factories.find(name);
    if (factory == r.factories.end()) return nullptr;
    try {
        auto instance = factory->second();
        Backend* raw = instance.get();
        r.instances[name] = std::move(instance);
        return raw;
    } catch (const std::exception& e) {
        r.failures[name] = e.what();
        return nullptr;
    }
}

std::vector<std::string> available_backends() {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    std::vector<std::string> names;
    for (const auto& entry : r.factories)
        if (try_create(r, entry.first)) names.push_back(entry.first);
    return names;
}

Backend& get_backend(const std::string& name) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    if (Backend* b = try_create(r, name)) return *b;
    std::string known;
    for (const auto& entry : r.factories) known += (known.empty() ? "" : ", ") + entry.first;
    auto failure = r.failures.find(name);
    if (failure != r.failures.end())
        throw std::runtime_error("backend '" + name + "' is built but could not start: " + failure->second);
    throw std::invalid_argument("unknown backend '" + name + "'; built backends: " + known);
}

}  // namespace gpustark
