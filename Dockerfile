# The ghcr-doctor container image: the static musl release binary on an empty base, with the
# CA roots it needs for HTTPS. .github/workflows/release.yml builds it for linux/amd64 and
# linux/arm64 from the release's binaries, unpacked into dist/linux/<arch>/ghcr-doctor.
#
#   docker run --rm -e GHCR_TOKEN ghcr.io/ghcr-doctor/ghcr-doctor:1.2.3 check ghcr.io/OWNER/IMAGE:TAG
FROM --platform=$BUILDPLATFORM alpine:3.22 AS certs
RUN apk add --no-cache ca-certificates

FROM scratch
ARG TARGETARCH
COPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY dist/linux/${TARGETARCH}/ghcr-doctor /ghcr-doctor
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 65534:65534
ENTRYPOINT ["/ghcr-doctor"]
