"""Rasa-side extensions, loaded by the Rasa server (in `.venv-rasa`, Python 3.10) from `config.yml`.

- `language.LanguageDetector`: marks each message's language as an entity, so the `language`
  slot follows the user ("English in, English out") and explicit requests ("svar på engelsk").
- `limits.TruncateMessage`: a very long message is cut before the featurizers see it;
  `limits.NoIntentFallback`: a message no classifier could read becomes `nlu_fallback`.
- `apology.ActionServerDownPolicy`: when a custom action failed (the action server is down
  or broke), the user gets a short apology instead of silence.
- `channels.slack.SlackFromEnv`, `channels.botframework.BotFrameworkFromEnv`: Slack and Teams,
  configured from the environment (named in `credentials.yml`).

They import only `knowledge.text` (standard library) from the knowledge layer.
"""
