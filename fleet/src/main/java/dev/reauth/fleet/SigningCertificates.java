package dev.reauth.fleet;

import dev.reauth.fleet.SnsSignatureVerifier.Rejected;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.security.auth.x500.X500Principal;

/**
 * SNS signing certificates by URL, each trusted only once proven: it chains to a trust anchor through
 * the intermediates its PEM carries or its caIssuers URL publishes (SNS serves the leaf alone, issued
 * by an Amazon intermediate that no trust store holds), it is valid at the clock's instant, its key
 * may sign, and it is issued to SNS's name for the topic's region. A chain is cached by its leaf's URL
 * only once PKIX accepted it, and only while every certificate in it is valid: an intermediate fetched
 * from a caIssuers URL that fails validation is forgotten, so the next message fetches it again. A
 * failed fetch is not repeated for {@link #RETRY_FAILED_AFTER}, so a flood of messages naming a
 * missing certificate costs one fetch, not one each.
 */
final class SigningCertificates {

    static final Duration RETRY_FAILED_AFTER = Duration.ofSeconds(30);
    private static final int MAX_CACHED = 64;
    private static final int MAX_ISSUERS_FETCHED = 3;

    /** A leaf and the intermediates found for it; once PKIX accepted them, the period that holds for. */
    private record Chain(
            X509Certificate leaf, List<X509Certificate> intermediates, AtomicReference<Validity> validated) {}

    /** A chain PKIX accepted, and the period in which that holds (the intersection of its certificates' validity). */
    private record Validity(Instant notBefore, Instant notAfter) {
        boolean covers(Instant now) {
            return !now.isBefore(notBefore) && !now.isAfter(notAfter);
        }
    }

    private final Set<TrustAnchor> anchors;
    private final Set<X500Principal> anchorNames;
    private final Function<URI, byte[]> source;
    private final Clock clock;
    private final Map<URI, Chain> chains = new ConcurrentHashMap<>();
    private final Map<URI, List<X509Certificate>> served = new ConcurrentHashMap<>();
    private final Map<URI, Instant> failedUntil = new ConcurrentHashMap<>();

    SigningCertificates(Set<TrustAnchor> anchors, Function<URI, byte[]> source, Clock clock) {
        this.anchors = Set.copyOf(anchors);
        this.anchorNames = this.anchors.stream()
                .map(a -> a.getTrustedCert().getSubjectX500Principal())
                .collect(Collectors.toSet());
        this.source = source;
        this.clock = clock;
    }

    /** The key of the certificate at {@code url}, once proven to be SNS's under one of {@code names}. */
    PublicKey signingKey(URI url, Set<String> names) throws Rejected {
        Chain chain = chain(url);
        if (Collections.disjoint(dnsNames(chain.leaf()), names)) {
            throw new Rejected("signing certificate is not issued to " + String.join(" or ", new TreeSet<>(names)));
        }
        boolean[] keyUsage = chain.leaf().getKeyUsage();
        if (keyUsage != null && (keyUsage.length == 0 || !keyUsage[0])) {
            throw new Rejected("signing certificate's key usage does not allow signatures");
        }
        requireTrusted(chain);
        remember(chains, url, chain);
        return chain.leaf().getPublicKey();
    }

    private void requireTrusted(Chain chain) throws Rejected {
        Instant now = clock.instant();
        Validity known = chain.validated().get();
        if (known != null && known.covers(now)) {
            return;
        }
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(chain.leaf());
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, target);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            List<X509Certificate> candidates = new ArrayList<>(chain.intermediates());
            candidates.add(chain.leaf());
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(candidates)));
            List<? extends Certificate> path = CertPathBuilder.getInstance("PKIX")
                    .build(parameters)
                    .getCertPath()
                    .getCertificates();
            Instant notBefore = Instant.MIN;
            Instant notAfter = Instant.MAX;
            for (Certificate certificate : path) {
                X509Certificate x509 = (X509Certificate) certificate;
                notBefore = max(notBefore, x509.getNotBefore().toInstant());
                notAfter = min(notAfter, x509.getNotAfter().toInstant());
            }
            chain.validated().set(new Validity(notBefore, notAfter));
        } catch (GeneralSecurityException e) {
            throw new Rejected("signing certificate is expired, not yet valid, or does not chain to a trusted CA");
        }
    }

    /** The validated chain cached for {@code url} while it holds; else a fresh one, not cached until it validates. */
    private Chain chain(URI url) throws Rejected {
        Chain cached = chains.get(url);
        if (cached != null) {
            Validity validity = cached.validated().get();
            if (validity != null && validity.covers(clock.instant())) {
                return cached;
            }
            // past its certificates' validity: built again, so a renewed intermediate is fetched anew
            chains.remove(url, cached);
        }
        List<X509Certificate> fetched = certificates(url, true);
        List<X509Certificate> intermediates = new ArrayList<>(fetched.subList(1, fetched.size()));
        addPublishedIssuers(fetched.getFirst(), intermediates);
        return new Chain(fetched.getFirst(), List.copyOf(intermediates), new AtomicReference<>());
    }

    /** Follows caIssuers URLs upwards until a certificate's issuer is a trust anchor or among those at hand. */
    private void addPublishedIssuers(X509Certificate leaf, List<X509Certificate> intermediates) throws Rejected {
        X509Certificate current = leaf;
        int fetches = 0;
        for (int depth = 0; depth < 2 * MAX_ISSUERS_FETCHED; depth++) {
            X500Principal issuerName = current.getIssuerX500Principal();
            if (anchorNames.contains(issuerName) || issuerName.equals(current.getSubjectX500Principal())) {
                return;
            }
            X509Certificate atHand = intermediates.stream()
                    .filter(c -> c.getSubjectX500Principal().equals(issuerName))
                    .findFirst()
                    .orElse(null);
            if (atHand != null) {
                current = atHand;
                continue;
            }
            URI published = AuthorityInformationAccess.caIssuers(current).stream()
                    .filter(u -> "http".equals(u.getScheme()) || "https".equals(u.getScheme()))
                    .findFirst()
                    .orElse(null);
            if (published == null || fetches++ == MAX_ISSUERS_FETCHED) {
                return;
            }
            // not cached by URL: it is trusted only as part of a chain that validated
            current = certificates(published, false).getFirst();
            intermediates.add(current);
        }
    }

    /**
     * The certificates served at {@code url}, or a refusal without a fetch while a failure is recent.
     *
     * @param keep whether to keep them by URL (a signing certificate from SNS's own host, fetched over TLS)
     */
    private List<X509Certificate> certificates(URI url, boolean keep) throws Rejected {
        List<X509Certificate> cached = served.get(url);
        if (cached != null) {
            return cached;
        }
        Instant retryAt = failedUntil.get(url);
        if (retryAt != null && clock.instant().isBefore(retryAt)) {
            throw new Rejected(
                    "certificate at " + url.getHost() + " unavailable (failed recently; not fetched again yet)");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            byte[] bytes = source.apply(url);
            if (bytes != null) {
                for (Certificate c :
                        CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
                    certificates.add((X509Certificate) c);
                }
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            certificates.clear();
        }
        if (certificates.isEmpty()) {
            remember(failedUntil, url, clock.instant().plus(RETRY_FAILED_AFTER));
            throw new Rejected("certificate at " + url.getHost() + " unavailable or unreadable");
        }
        failedUntil.remove(url);
        if (keep) {
            remember(served, url, List.copyOf(certificates));
        }
        return certificates;
    }

    /** The certificate's DNS names; its subject CN only when it has none (RFC 6125 §6.4.4). */
    static Set<String> dnsNames(X509Certificate certificate) {
        Set<String> names = new HashSet<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> name : alternatives) {
                    if (Integer.valueOf(2).equals(name.get(0)) && name.get(1) instanceof String dns) {
                        names.add(dns.toLowerCase(Locale.ROOT));
                    }
                }
            }
            if (names.isEmpty()) {
                List<String> commonNames = new LdapName(
                                certificate.getSubjectX500Principal().getName(X500Principal.RFC2253))
                        .getRdns().stream()
                                .filter(rdn -> rdn.getType().equalsIgnoreCase("CN"))
                                .map(rdn -> String.valueOf(rdn.getValue()).toLowerCase(Locale.ROOT))
                                .toList();
                if (commonNames.size() == 1) {
                    names.add(commonNames.getFirst());
                }
            }
        } catch (CertificateParsingException | InvalidNameException e) {
            return Set.of();
        }
        return names;
    }

    private static <V> void remember(Map<URI, V> cache, URI url, V value) {
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(url, value);
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
