# syntax=docker/dockerfile:1

# rolebot image: one static binary, with the default content embedded, on a
# distroless base that runs as nonroot (65532) and has no shell. Without
# DATABASE_URL, the teams are kept in SQLite in /data (a volume).
#
#   docker build --build-arg VERSION=$(git describe --always --dirty) \
#                --build-arg COMMIT=$(git rev-parse --short HEAD) -t rolebot .
#   docker run --rm rolebot ask "qui porte la vision ?"
#
# The go build line is the same as in scripts/build.sh; deploy/deploy_test.go
# checks that they stay the same.

FROM golang:1.26.8-bookworm AS build
WORKDIR /src

# Modules first, in their own layer, so that a code change does not fetch
# them again.
COPY go.mod go.sum ./
RUN go mod download

COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" -o /out/rolebot ./cmd/rolebot
# The data folder (the default SQLite database), made here: the final image
# has no shell to make it.
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/rolebot /rolebot
# Owned by the non-root user, so that a volume mounted here (Docker copies the
# folder's owner into a new named volume) is writable by rolebot.
COPY --from=build --chown=65532:65532 /out/data /data
ENV DATA_DIR=/data
VOLUME ["/data"]
USER 65532:65532
# Health (/healthz, /readyz) and Prometheus metrics (/metrics), see HTTP_ADDR.
EXPOSE 8080
ENTRYPOINT ["/rolebot"]
CMD ["serve"]
