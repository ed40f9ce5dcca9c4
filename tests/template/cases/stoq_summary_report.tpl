{% include '_partials/header.tpl' %}

{% for r in results.results %}
Payload {{ r.payload_id }}{% if r.filename %} ({{ r.filename }}){% endif %}

  plugin:     {{ r.plugin }}
  size:       {{ r.size|filesizeformat }}
  sha1:       {{ r.sha1|default('-') }}
  dispatched: {{ r.dispatcher|default('no') }}
{% else %}
Nothing was scanned.
{% endfor %}

{% include '_partials/footer.tpl' %}
