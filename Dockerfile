# syntax=docker/dockerfile:1
# NEXT Portal: one static binary on distroless, running as a non-root user.
#   docker build -t nextportal/portal .
#   docker run -p 7007:7007 nextportal/portal serve --demo
# docker-compose.yml runs it with PostgreSQL + pgvector and holds the healthcheck (distroless has no shell).

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/portal ./cmd/portal
# The data directory (SQLite database and search index), owned by distroless's nonroot user.
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/portal /portal
COPY --from=build --chown=65532:65532 /out/data /data
ENV PORTAL_ADDR=:7007 \
    PORTAL_DATA_DIR=/data
VOLUME /data
EXPOSE 7007
USER 65532:65532
# File locations may only be read under the working directory (PORTAL_FILE_LOCATION_ROOTS
# overrides it): keep that the data directory, which also holds the demo files.
WORKDIR /data
ENTRYPOINT ["/portal"]
CMD ["serve"]
