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
    std::map<std::string, CompositeFactory> composites;  // by name prefix
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

void register_composite_backend(const std::string& prefix, CompositeFactory factory) {
    std::lock_guard<std::mutex> lock(registry().mutex);
    registry().composites[prefix] = std::move(factory);
}

// "NAME@K" (K a positive integer) is stream K of backend NAME: another instance from NAME's
// factory, with its own device queue, scratch and held traces (gpustark.many's streams).
// Returns NAME, or "" when `name` is not of that form.
static std::string stream_base(const std::string& name) {
    const size_t at = name.rfind('@');
    if (at == std::string::npos || at == 0 || at + 1 == name.size() || name[at + 1] == '0') return "";
    for (size_t i = at + 1; i < name.size(); ++i)
        if (name[i] < '0' || name[i] > '9' || i - at > 6) return "";
    return name.substr(0, at);
}

static Backend* try_create(Registry& r, const std::string& name) {
    auto found = r.instances.find(name);
    if (found != r.instances.end()) return found->second.get();
    if (r.failures.count(name)) return nullptr;
    const std::string base = stream_base(name);
    auto factory = r.factories.find(base.empty() ? name : base);
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

std::vector<BackendStatus> backend_status() {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    std::vector<BackendStatus> out;
    for (const auto& entry : r.factories) {
        BackendStatus s;
        s.name = entry.first;
        s.started = try_create(r, entry.first) != nullptr;
        if (!s.started) s.reason = r.failures.count(entry.first) ? r.failures[entry.first] : "could not start";
        out.push_back(std::move(s));
    }
    return out;
}

// Called with the lock held: throws, naming `name`, why it cannot be had; `context` prefixes the
// message (the dual name a part came from).
[[noreturn]] static void throw_unavailable(Registry& r, const std::string& name, const std::string& context = "") {
    std::string known;
    for (const auto& entry : r.factories) known += (known.empty() ? "" : ", ") + entry.first;
    auto failure = r.failures.find(name);
    if (failure != r.failures.end())
        throw std::runtime_error(context + "backend '" + name + "' is built but could not start: " + failure->second);
    throw std::invalid_argument(context + "unknown backend '" + name + "'; built backends: " + known);
}

// A composite (e.g. "dual:A,B") is made on first use over the registry's own parts (which
// outlive it) and then kept like any other instance. Parts are resolved here, under the lock
// already held, rather than through get_backend. nullptr: no composite prefix matches `name`.
static Backend* create_composite(Registry& r, const std::string& name) {
    for (const auto& entry : r.composites) {
        if (name.compare(0, entry.first.size(), entry.first) != 0) continue;
        const PartLookup part = [&](const std::string& n) -> Backend& {
            if (Backend* b = try_create(r, n)) return *b;
            throw_unavailable(r, n, "backend '" + name + "': ");
        };
        auto made = entry.second(name, part);
        Backend* raw = made.get();
        r.instances[name] = std::move(made);
        return raw;
    }
    return nullptr;
}

Backend& get_backend(const std::string& name) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    if (Backend* b = try_create(r, name)) return *b;
    if (Backend* b = create_composite(r, name)) return *b;
    throw_unavailable(r, name);
}

}  // namespace gpustark
