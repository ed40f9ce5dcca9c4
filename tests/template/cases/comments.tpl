{# a comment at the top #}
TLP {{ results.tlp }} {# inline comment #} payloads {{ results.payloads }}
{#
  a multi-line comment
  {{ results.tlp }} inside is ignored
#}
end
