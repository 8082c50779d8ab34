# syntax=docker/dockerfile:1
# newsbrief: build a wheel in one stage, install it into a slim runtime in the next.
# BASE: any image with Python 3.11 (`python`, venv, pip) and groupadd/useradd; without a
# registry, scripts/make-base-image builds one from Debian packages (scripts/check-image).
ARG BASE=python:3.11-slim

FROM ${BASE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY summarizer ./summarizer
RUN python -m venv /opt/newsbrief \
 && /opt/newsbrief/bin/pip install --upgrade pip \
 && /opt/newsbrief/bin/pip install . \
 && /opt/newsbrief/bin/pip uninstall --yes pip setuptools \
 && find /opt/newsbrief/lib/python3*/site-packages/babel/locale-data -name '*.dat' \
      ! -name 'root.dat' ! -name 'en.dat' ! -name 'en_*.dat' -delete
# pip and setuptools are build tools: 20 MB the runtime never uses. Babel comes in through
# trafilatura -> courlan, which reads its locale data only to filter URLs by a target
# language; newsbrief never sets one, so 34 MB of locale data for 1,100 other locales go
# (a locale that is missing is UnknownLocaleError, which courlan catches).

FROM ${BASE} AS runtime
ENV PATH=/opt/newsbrief/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    NEWSBRIEF_CONFIG=/etc/newsbrief/newsbrief.toml \
    NEWSBRIEF_STORE__URL=sqlite:////var/lib/newsbrief/newsbrief.db \
    NEWSBRIEF_RUN__HEARTBEAT_FILE=/tmp/newsbrief.heartbeat \
    NEWSBRIEF_RUN__HEALTH_PORT=8080
RUN groupadd --system newsbrief \
 && useradd --system --gid newsbrief --home-dir /var/lib/newsbrief --shell /usr/sbin/nologin newsbrief \
 && mkdir -p /var/lib/newsbrief /etc/newsbrief \
 && chown newsbrief:newsbrief /var/lib/newsbrief
COPY --from=build /opt/newsbrief /opt/newsbrief
COPY config/newsbrief.example.toml /etc/newsbrief/newsbrief.toml
USER newsbrief
WORKDIR /var/lib/newsbrief
VOLUME ["/var/lib/newsbrief"]
# Slack HTTP mode listens on 3000 (Socket Mode needs no inbound port); /health and
# /metrics (Prometheus) on 8080 in every mode. `newsbrief check` validates a config first.
EXPOSE 3000 8080
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["newsbrief", "health"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["newsbrief"]
CMD ["run"]
