variable "vpc_id" {
  type = string
}

variable "region" {
  type = string
}

variable "services" {
  type = list(string)
}

resource "aws_vpc_endpoint" "this" {
  for_each            = toset(var.services)
  vpc_id              = var.vpc_id
  service_name        = "com.amazonaws.${var.region}.${each.value}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
}

output "ids" {
  value = [for e in aws_vpc_endpoint.this : e.id]
}
