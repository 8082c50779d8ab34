"""Slack: Block Kit briefings, slash commands, threads, optional multi-workspace install.

- `adapters.slack.blocks`: pure rendering (escaping, Slack's limits, splitting);
- `adapters.slack.adapter`: `SlackAdapter`, the `ChatAdapter` port on the Web API;
- `adapters.slack.bot`: the slack-bolt listeners over the conversations core;
- `adapters.slack.runtime`: Socket Mode or HTTP, ``/health``, OAuth; `start_slack`;
- `adapters.slack.testing`: `FakeSlack`, a loopback Slack for tests (public API).
"""

from adapters.slack.adapter import SlackAdapter, SlackChannel, make_web_client
from adapters.slack.blocks import SlackMessage, briefing_messages, escape, reply_message

__all__ = [
    "SlackAdapter",
    "SlackChannel",
    "SlackMessage",
    "briefing_messages",
    "escape",
    "make_web_client",
    "reply_message",
]
