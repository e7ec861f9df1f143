variable "security_group_id" { type = string }
variable "cidr" { type = string }
resource "aws_vpc_security_group_egress_rule" "this" {
  security_group_id = var.security_group_id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.cidr
}
