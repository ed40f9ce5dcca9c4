{% for r in results.results if r.scan is mapping and r.scan.sections is defined %}
{{ r.filename|default('?') }} sections:
{% for s in r.scan.sections|sort(attribute='entropy', reverse=true) %}
  {{ '%-8s'|format(s.name) }} {{ '%6.2f'|format(s.entropy) }} {{ s.size|filesizeformat(true) }}{% if s.entropy > 7.0 %} <- packed?{% endif %}

{% endfor %}
{% if r.scan.imports is defined and r.scan.imports %}
imports: {% for dll, funcs in r.scan.imports|dictsort %}{{ dll }}({{ funcs|length }}){{ ', ' if not loop.last }}{% endfor %}

{% endif %}
{% endfor %}
