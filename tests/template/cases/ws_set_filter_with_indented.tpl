  {% set header %}
    TLP: {{ results.tlp }}
  {% endset %}
[{{ header }}]
    {% filter upper %}
      shout {{ results.payloads }}
    {% endfilter %}
  {% with n = results.payloads %}
  n={{ n }}
  {% endwith %}
