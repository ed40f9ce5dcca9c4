{% set count = results.results|length %}
{% set label = 'payloads: ' ~ results.payloads %}
{% set first = results.results|first if results.results else none %}
{{ count }} / {{ label }} / {{ first.plugin if first else 'none' }}
{% set count = count + 1 %}
{{ count }}
