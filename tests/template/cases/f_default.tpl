{{ nothing|default('dflt') }} {{ results.tlp|default('white') }} {{ none|default('x') }} {{ ''|default('empty') }}
{{ nothing|d('short') }} {{ results.missing|default(results.payloads) }} {{ nothing|default }}|
