# syntax=docker/dockerfile:1
# newsbrief: build a wheel in one stage, install it into a slim runtime in the next.

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY summarizer ./summarizer
RUN python -m venv /opt/newsbrief \
 && /opt/newsbrief/bin/pip install --upgrade pip \
 && /opt/newsbrief/bin/pip install .

FROM python:3.11-slim AS runtime
ENV PATH=/opt/newsbrief/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    NEWSBRIEF_CONFIG=/etc/newsbrief/newsbrief.toml \
    NEWSBRIEF_STORE__URL=sqlite:////var/lib/newsbrief/newsbrief.db \
    NEWSBRIEF_RUN__HEARTBEAT_FILE=/tmp/newsbrief.heartbeat
RUN groupadd --system newsbrief \
 && useradd --system --gid newsbrief --home-dir /var/lib/newsbrief --shell /usr/sbin/nologin newsbrief \
 && mkdir -p /var/lib/newsbrief /etc/newsbrief \
 && chown newsbrief:newsbrief /var/lib/newsbrief
COPY --from=build /opt/newsbrief /opt/newsbrief
COPY config/newsbrief.example.toml /etc/newsbrief/newsbrief.toml
USER newsbrief
WORKDIR /var/lib/newsbrief
VOLUME ["/var/lib/newsbrief"]
# Slack HTTP mode listens here; Socket Mode needs no inbound port.
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["newsbrief", "health"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["newsbrief"]
CMD ["run"]
