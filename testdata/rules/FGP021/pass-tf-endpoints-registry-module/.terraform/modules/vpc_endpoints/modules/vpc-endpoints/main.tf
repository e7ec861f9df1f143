# Reduced stand-in for terraform-aws-modules/vpc/aws//modules/vpc-endpoints v6 (the parts a
# Fargate pull path depends on), as `terraform init` would have installed it.
variable "vpc_id" {
  type    = string
  default = null
}

variable "endpoints" {
  type    = any
  default = {}
}

variable "subnet_ids" {
  type    = list(string)
  default = []
}

variable "security_group_ids" {
  type    = list(string)
  default = []
}

variable "create_security_group" {
  type    = bool
  default = false
}

variable "security_group_name_prefix" {
  type    = string
  default = null
}

variable "security_group_description" {
  type    = string
  default = null
}

variable "security_group_rules" {
  type    = any
  default = {}
}

locals {
  security_group_ids = var.create_security_group ? concat(var.security_group_ids, [aws_security_group.this[0].id]) : var.security_group_ids
}

data "aws_vpc_endpoint_service" "this" {
  for_each = var.endpoints

  service = try(each.value.service, null)

  filter {
    name   = "service-type"
    values = [try(each.value.service_type, "Interface")]
  }
}

resource "aws_vpc_endpoint" "this" {
  for_each = var.endpoints

  vpc_id            = var.vpc_id
  service_name      = data.aws_vpc_endpoint_service.this[each.key].service_name
  vpc_endpoint_type = try(each.value.service_type, "Interface")

  security_group_ids  = try(each.value.service_type, "Interface") == "Interface" ? local.security_group_ids : null
  subnet_ids          = try(each.value.service_type, "Interface") == "Interface" ? var.subnet_ids : null
  route_table_ids     = try(each.value.service_type, "Interface") == "Gateway" ? lookup(each.value, "route_table_ids", null) : null
  private_dns_enabled = try(each.value.service_type, "Interface") == "Interface" ? try(each.value.private_dns_enabled, null) : null
}

resource "aws_security_group" "this" {
  count = var.create_security_group ? 1 : 0

  name_prefix = var.security_group_name_prefix
  description = var.security_group_description
  vpc_id      = var.vpc_id
}

resource "aws_security_group_rule" "this" {
  for_each = { for k, v in var.security_group_rules : k => v if var.create_security_group }

  security_group_id = aws_security_group.this[0].id
  protocol          = try(each.value.protocol, "tcp")
  from_port         = try(each.value.from_port, 443)
  to_port           = try(each.value.to_port, 443)
  type              = try(each.value.type, "ingress")
  cidr_blocks       = lookup(each.value, "cidr_blocks", null)
}

output "endpoints" {
  value = aws_vpc_endpoint.this
}
