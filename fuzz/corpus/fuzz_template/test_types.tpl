{{ true is boolean }} {{ 1 is boolean }} {{ none is boolean }}
{{ 1 is integer }} {{ true is integer }} {{ 1.0 is integer }}
{{ 1.0 is float }} {{ 1 is float }} {{ results.payloads is integer }}
