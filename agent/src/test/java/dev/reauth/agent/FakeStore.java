package dev.reauth.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A proxy store in memory: accounts by name, each with credentials and a pause reason. */
class FakeStore implements ProxyStore {

    final Map<String, StoredAccount> accounts = new LinkedHashMap<>();
    final Map<String, String> pauseReasons = new LinkedHashMap<>();
    final List<String> writes = new ArrayList<>();

    void add(String name, ProxyCredentials credentials) {
        accounts.put(name, new StoredAccount("proxy-" + name, name, "anthropic", credentials, false));
    }

    /** What another refresher (the proxy itself) would do: new tokens in the store, without the agent. */
    void refreshBehindTheAgentsBack(String name, ProxyCredentials credentials) {
        StoredAccount a = accounts.get(name);
        accounts.put(name, new StoredAccount(a.proxyId(), name, a.kind(), credentials, a.paused()));
    }

    @Override
    public Set<String> accountNames() {
        return accounts.keySet();
    }

    @Override
    public Optional<StoredAccount> read(String name) {
        return Optional.ofNullable(accounts.get(name));
    }

    @Override
    public Optional<StoredAccount> write(String name, ProxyCredentials credentials) {
        StoredAccount before = accounts.get(name);
        if (before == null) {
            return Optional.empty();
        }
        writes.add(name);
        accounts.put(name, new StoredAccount(before.proxyId(), name, before.kind(), credentials, before.paused()));
        return Optional.of(before);
    }

    @Override
    public boolean canPause() {
        return true;
    }

    @Override
    public boolean pause(String name, String reason) {
        StoredAccount a = accounts.get(name);
        if (a == null || a.paused()) {
            return false;
        }
        accounts.put(name, new StoredAccount(a.proxyId(), name, a.kind(), a.credentials(), true));
        pauseReasons.put(name, reason);
        return true;
    }

    @Override
    public boolean resume(String name, Set<String> reasons) {
        StoredAccount a = accounts.get(name);
        if (a == null || !a.paused() || !reasons.contains(pauseReasons.get(name))) {
            return false;
        }
        accounts.put(name, new StoredAccount(a.proxyId(), name, a.kind(), a.credentials(), false));
        pauseReasons.remove(name);
        return true;
    }
}
