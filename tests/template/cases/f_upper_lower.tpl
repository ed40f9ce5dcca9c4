{{ results.tlp|upper }} {{ 'MiXeD Case'|lower }} {{ 'été ñ'|upper }} {{ 'ÉTÉ'|lower }} {{ 'straße'|upper }}
{% for r in results.results %}
{{ r.plugin|upper }} {{ r.filename|default('')|lower }}
{% endfor %}
