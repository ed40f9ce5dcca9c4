{% for k, v in results.plugins.items() %}
{{ k }} -> {{ v }}
{% endfor %}
{% for k, v in (results.results|first).source_meta.items() if results.results and (results.results|first).source_meta %}
meta {{ k }}={{ v }}
{% endfor %}
