# setconform in a container: build with the Rust toolchain, run from a small
# Debian image as an unprivileged user, or as any UID given with --user (the
# image needs no home folder and no passwd entry for it: setconform writes only
# under --out, and the default --out folder /work is writable by every UID).
#   docker build -t setconform .
#   docker run --rm --network host --user "$(id -u):$(id -g)" -v "$PWD:/work" setconform \
#     run --sut /work/sut.yaml --out /work/setconform-report
# --user makes the reports belong to you, and lets setconform write into a
# mounted folder that only you may write to. Host networking keeps the
# harness's own endpoint on the loopback interface the SUT shares with it (the
# harness listens on loopback addresses only).

FROM rust:1.89-slim-bookworm AS build
WORKDIR /src
COPY . .
# The catalogue (suite/, profiles/, schemas/) is compiled into the binary.
RUN cargo build --release --locked -p setconform \
 && strip target/release/setconform

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -m 1777 /work
COPY --from=build /src/target/release/setconform /usr/local/bin/setconform
USER 10001:10001
WORKDIR /work
ENTRYPOINT ["setconform"]
CMD ["run", "--out", "/work/setconform-report"]
