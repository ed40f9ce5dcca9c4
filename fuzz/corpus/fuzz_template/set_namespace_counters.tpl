{% set ns = namespace(matches=0, strings=0, tagged=0) %}
{% for r in results.results if r.plugin == 'yara' %}
{% for m in r.scan %}
{% set ns.matches = ns.matches + 1 %}
{% set ns.strings = ns.strings + m.strings|length %}
{% if m.tags %}{% set ns.tagged = ns.tagged + 1 %}{% endif %}
{% endfor %}
{% endfor %}
matches={{ ns.matches }} strings={{ ns.strings }} tagged={{ ns.tagged }}
