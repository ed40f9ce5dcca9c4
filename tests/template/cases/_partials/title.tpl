{{ title|default('untitled') }} / {{ results.tlp }}
