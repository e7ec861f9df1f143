# A trimmed local copy of the endpoint loop of terraform-aws-modules/vpc/aws//modules/vpc-endpoints
# (v6.6.0): an entry without private_dns_enabled passes null, so the provider default (false)
# applies, and the type defaults to Interface.
variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type    = list(string)
  default = []
}

variable "security_group_ids" {
  type    = list(string)
  default = []
}

variable "endpoints" {
  type    = any
  default = {}
}

resource "aws_vpc_endpoint" "this" {
  for_each = var.endpoints

  vpc_id              = var.vpc_id
  service_name        = "com.amazonaws.eu-west-1.${each.value.service}"
  vpc_endpoint_type   = try(each.value.service_type, "Interface")
  security_group_ids  = try(each.value.service_type, "Interface") == "Interface" ? var.security_group_ids : null
  subnet_ids          = try(each.value.service_type, "Interface") == "Interface" ? var.subnet_ids : null
  route_table_ids     = try(each.value.service_type, "Interface") == "Gateway" ? lookup(each.value, "route_table_ids", null) : null
  private_dns_enabled = try(each.value.service_type, "Interface") == "Interface" ? try(each.value.private_dns_enabled, null) : null
}
