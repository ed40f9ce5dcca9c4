{% for r in results.results if r.plugin == 'decompress' %}
{{ r.filename }}: {{ r.scan.members|length }} member(s), ratio {{ '%.1f%%'|format(r.scan.ratio * 100) }}
{% for m in r.scan.members|sort(attribute='size', reverse=true) %}
  {{ '🔒' if m.encrypted else '  ' }} {{ m.name|lower }} {{ m.size|filesizeformat }} -> {{ m.compressed|filesizeformat }}
{% endfor %}
{% endfor %}
