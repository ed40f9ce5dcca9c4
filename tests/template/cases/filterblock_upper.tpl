{% filter upper %}
tlp: {{ results.tlp }}
{% for r in results.results %}
{{ r.plugin }}
{% endfor %}
{% endfilter %}
